import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { InvalidRequest } from './invalid-request';

type FieldError = { field: string; message: string };

/**
 * Keys that would otherwise vanish without a word instead of being refused as unknown: Nest's
 * ValidationPipe deletes `__proto__`, `constructor` and `prototype` (against prototype pollution), and
 * class-transformer skips a key under which the class inherits a method (`toString`, `valueOf`…). So
 * `{"…", "toString": 1}` was accepted (201) where `{"…", "colour": 1}` is a 400.
 */
const silentlyDroppedKeys = (value: unknown, prefix: string): FieldError[] => {
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => {
    const field = prefix ? `${prefix}.${key}` : key;
    const dropped = key === 'prototype' || key in Object.prototype ? [{ field, message: `${field} är inget känt fält` }] : [];
    return [...dropped, ...silentlyDroppedKeys((value as Record<string, unknown>)[key], field)];
  });
};

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const dropped = silentlyDroppedKeys(value, '');
      if (dropped.length > 0) throw new InvalidRequest(dropped);
    }
    return super.transform(value, metadata);
  }
}

/** Bodies and queries are validated at the edge: unknown fields refused, no type coercion. */
export const validationPipe = new StrictValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => InvalidRequest.fromValidation(errors),
});

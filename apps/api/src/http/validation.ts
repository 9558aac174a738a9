import { ValidationPipe } from '@nestjs/common';
import { InvalidRequest } from './invalid-request';

/** Bodies and queries are validated at the edge: unknown fields refused, no type coercion. */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => InvalidRequest.fromValidation(errors),
});

import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  registerDecorator,
} from 'class-validator';
import { invisibleControlsOf, isCalendarDate, PARTY_IDS } from '@dgr/domain';

/*
 * The field kinds of the HTTP contract, each with its validation (and Swedish message) and its
 * OpenAPI description, so every DTO says the same thing the same way.
 */

/** A calendar day `YYYY-MM-DD` that exists. */
export const IsCalendarDateString =
  (): PropertyDecorator =>
  (target, propertyName) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} måste vara ett datum som finns, på formen ÅÅÅÅ-MM-DD` },
      validator: { validate: (value: unknown) => isCalendarDate(value) },
    });

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant: ISO 8601 with a time and a zone, e.g. `2024-02-01T12:00:00+01:00` or `2024-02-01T11:00:00Z`. */
export const InstantField = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ description, example: '2024-02-01T12:00:00+01:00', format: 'date-time' }),
    IsOptional(),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isInstant',
        target: target.constructor,
        propertyName: String(propertyName),
        options: { message: `${String(propertyName)} måste vara en tidpunkt med tidszon, t.ex. 2024-02-01T12:00:00+01:00` },
        validator: { validate: (value: unknown) => typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value)) },
      }),
  );

export const DateField = (description: string, required = true) =>
  applyDecorators(
    ...(required
      ? [ApiProperty({ description, example: '2024-03-18', format: 'date' })]
      : [ApiPropertyOptional({ description, example: '2024-12-31', format: 'date' }), IsOptional()]),
    IsCalendarDateString(),
  );

/** Integer öre, 0 or more (1 krona = 100 öre). */
export const OreField = (description: string, minimum = 0) =>
  applyDecorators(
    ApiProperty({ description: `${description} I hela öre.`, example: 150_000_000, type: 'integer', minimum }),
    IsInt({ message: ({ property }) => `${property} måste vara ett heltal öre (1 kr = 100 öre)` }),
    Min(minimum, { message: ({ property }) => `${property} måste vara minst ${minimum} öre` }),
    Max(Number.MAX_SAFE_INTEGER, { message: ({ property }) => `${property} är för stort` }),
  );

/**
 * No bidi control (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) and no zero-width character (U+200B–U+200D,
 * U+2060, U+FEFF): they reorder or hide what every later reader sees (issue 17, item 9). Refused, not stripped,
 * so that what is stored is what the sender can see they sent.
 */
export const NoInvisibleControls =
  (): PropertyDecorator =>
  (target, propertyName) =>
    registerDecorator({
      name: 'noInvisibleControls',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: ({ property, value }) =>
          `${property} innehåller osynliga styrtecken som kan dölja text eller vända dess läsriktning (${invisibleControlsOf(String(value)).join(', ')}); ta bort dem och skicka igen`,
      },
      validator: { validate: (value: unknown) => typeof value !== 'string' || invisibleControlsOf(value).length === 0 },
    });

/** Free text: a string, at most `maxLength` characters, without invisible controls (NoInvisibleControls). */
export const TextField = (description: string, maxLength = 2000, required = true, example?: string) =>
  applyDecorators(
    ...(required
      ? [
          ApiProperty({ description, maxLength, example }),
          IsNotEmpty({ message: ({ property }) => `${property} får inte vara tomt` }),
        ]
      : [ApiPropertyOptional({ description, maxLength, example }), IsOptional()]),
    IsString({ message: ({ property }) => `${property} måste vara text` }),
    MaxLength(maxLength, { message: ({ property }) => `${property} får vara högst ${maxLength} tecken` }),
    NoInvisibleControls(),
  );

export const PartyField = (description: string) =>
  applyDecorators(
    ApiProperty({ description, enum: PARTY_IDS, example: '1780' }),
    IsIn(PARTY_IDS as unknown as string[], {
      message: ({ property, value }) =>
        `${property} ${JSON.stringify(value)} är ingen av de 17 parterna; ange partens SCB-kod (17 för Region Värmland, 1715–1785 för kommunerna)`,
    }),
  );

export const OneOfField = (values: readonly string[], description: string) =>
  applyDecorators(
    ApiProperty({ description, enum: values }),
    IsIn(values as string[], { message: ({ property }) => `${property} måste vara ett av: ${values.join(', ')}` }),
  );

export const YearField = (description: string) =>
  applyDecorators(
    ApiProperty({ description, example: 2024, type: 'integer' }),
    IsInt({ message: ({ property }) => `${property} måste vara ett årtal (heltal)` }),
    Min(2000, { message: ({ property }) => `${property} måste vara ett årtal från 2000` }),
    Max(2200, { message: ({ property }) => `${property} måste vara ett rimligt årtal` }),
  );

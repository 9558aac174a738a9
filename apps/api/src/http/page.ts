import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Response } from 'express';

export const MAX_PAGE = 1000;

/** A query string number is text; only plain digits become a number (anything else fails validation). */
const digits = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value);

/**
 * Lists answer at most `limit` items (default and maximum 1000) from `offset`; `X-Total-Count` gives the whole count.
 * Decorators apply bottom-up and validation stops at the first error, so IsInt is the last line: `limit=abc`
 * is "not an integer", not "at most 1000".
 */
export class PageQueryDto {
  @ApiPropertyOptional({ description: `How many items (1–${MAX_PAGE}, default ${MAX_PAGE}).`, type: 'integer' })
  @IsOptional()
  @Transform(digits)
  @Max(MAX_PAGE, { message: `limit får vara högst ${MAX_PAGE}` })
  @Min(1, { message: 'limit måste vara minst 1' })
  @IsInt({ message: 'limit måste vara ett heltal' })
  limit?: number;

  @ApiPropertyOptional({ description: 'How many items to skip (default 0).', type: 'integer' })
  @IsOptional()
  @Transform(digits)
  @Min(0, { message: 'offset måste vara minst 0' })
  @IsInt({ message: 'offset måste vara ett heltal' })
  offset?: number;
}

export const page = <T>(items: readonly T[], query: PageQueryDto, res: Response): T[] => {
  res.setHeader('X-Total-Count', String(items.length));
  const offset = query.offset ?? 0;
  return items.slice(offset, offset + (query.limit ?? MAX_PAGE));
};

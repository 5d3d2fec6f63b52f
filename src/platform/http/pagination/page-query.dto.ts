import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsOmittable } from '../../validation/validators.js';

/** `?limit=&cursor=` of every list; extend it with a list's own filters. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
  @IsOmittable() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit: number = 25;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page\'s nextCursor.' })
  @IsOmittable() @IsString() @MaxLength(200)
  cursor?: string;
}

export class Page<T> {
  constructor(
    readonly data: T[],
    readonly nextCursor: string | null,
  ) {}
}

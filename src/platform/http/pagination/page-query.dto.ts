import type { Type as Class } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Min } from 'class-validator';
import { IsOmittable, MaxLength } from '../../validation/validators.js';

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

/** The documented shape of a page of `item`s, named `name` in the OpenAPI document. */
export function pageResponseOf<T>(item: Class<T>, name: string): Class<Page<T>> {
  class PageResponse {
    @ApiProperty({ type: [item] }) data!: T[];
    @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
  }
  Object.defineProperty(PageResponse, 'name', { value: name });
  return PageResponse;
}

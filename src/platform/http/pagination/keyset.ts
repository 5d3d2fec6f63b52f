import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { invalid } from '../validation.pipe.js';
import { Page, type PageQuery } from './page-query.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Newest-first keyset pagination over a UUIDv7 primary key (time-ordered, so `id DESC` is newest
 * first and each page is one index range scan however deep it goes). The cursor is the last id seen,
 * wrapped so clients treat it as opaque.
 */
export async function paginate<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  page: PageQuery,
): Promise<Page<T>> {
  const alias = query.alias;
  if (page.cursor) {
    query.andWhere(`${alias}.id < :__cursor`, { __cursor: decodeCursor(page.cursor) });
  }
  const rows = await query.orderBy(`${alias}.id`, 'DESC').take(page.limit + 1).getMany();
  const hasMore = rows.length > page.limit;
  const data = hasMore ? rows.slice(0, page.limit) : rows;
  return new Page(data, hasMore ? encodeCursor(data[data.length - 1].id) : null);
}

export function encodeCursor(id: string): string {
  return Buffer.from(`v1:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString();
  const id = decoded.startsWith('v1:') ? decoded.slice(3) : '';
  if (!UUID.test(id)) throw invalid([{ field: 'cursor', message: 'is not a valid cursor' }]);
  return id;
}

/** Maps a page of entities to their response shape. */
export function mapPage<T, R>(page: Page<T>, toResponse: (item: T) => R): Page<R> {
  return new Page(page.data.map(toResponse), page.nextCursor);
}

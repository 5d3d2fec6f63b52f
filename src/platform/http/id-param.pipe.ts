import { Injectable, type PipeTransform } from '@nestjs/common';
import { DomainError } from './domain-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path id can name a record at all (anything else is answered 404 without a query). */
export const isWellFormedId = (value: string): boolean => UUID.test(value);

/** A path id that cannot exist answers exactly like one that does not: 404 `not_found`. */
@Injectable()
export class IdParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isWellFormedId(value)) throw DomainError.notFound();
    return value.toLowerCase();
  }
}

import { Injectable, type PipeTransform } from '@nestjs/common';
import { DomainError } from '../../platform/http/domain-error.js';

const PUBLIC_ID = /^[a-z0-9]{1,32}$/;

/** A path publicId that cannot exist answers exactly like one that does not: 404 `not_found`. */
@Injectable()
export class PublicIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!PUBLIC_ID.test(value)) throw DomainError.notFound('API key');
    return value;
  }
}

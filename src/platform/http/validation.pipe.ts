import { type ArgumentMetadata, Injectable, ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError } from './domain-error.js';
import type { FieldError } from './problem-codes.js';

/**
 * Whitelisting validation for every DTO: unknown properties, wrong types and bodies that are not JSON
 * objects all become 400 `validation_failed` with `errors[]` naming each field.
 */
@Injectable()
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validateCustomDecorators: false,
      exceptionFactory: (errors) => invalid(flattenErrors(errors)),
    });
  }

  /** A POST without any body is validated as `{}`: each required field is then named in `errors[]`. */
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const expectsObject = metadata.type === 'body' && typeof metadata.metatype === 'function' && this.toValidate(metadata);
    const body = value === undefined && expectsObject ? {} : value;
    if (expectsObject && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      throw invalid([{ field: 'body', message: 'must be a JSON object' }]);
    }
    return super.transform(body, metadata);
  }
}

export function invalid(errors: FieldError[]): DomainError {
  return new DomainError('validation_failed', 'The request is invalid.', { errors });
}

function flattenErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(/^property \S+ should not exist$/, 'is not allowed'),
    }));
    return [...own, ...flattenErrors(error.children ?? [], field)];
  });
}

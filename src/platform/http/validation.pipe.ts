import { type ArgumentMetadata, Injectable, ValidationPipe, type ValidationError } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { DomainError } from './domain-error.js';
import type { FieldError } from './problem-codes.js';
import { cacheValidationMetadata } from './validation-metadata-cache.js';

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
    cacheValidationMetadata();
  }

  /** A POST without any body is validated as `{}`: each required field is then named in `errors[]`. */
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const expectsObject = metadata.type === 'body' && typeof metadata.metatype === 'function' && this.toValidate(metadata);
    const body = value === undefined && expectsObject ? {} : value;
    if (expectsObject && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      throw invalid([{ field: 'body', message: 'must be a JSON object' }]);
    }
    if (expectsObject) {
      const oversized = oversizedArrays(metadata.metatype as DtoClass, body as Record<string, unknown>, '');
      if (oversized.length > 0) throw invalid(oversized);
    }
    return super.transform(body, metadata);
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a DTO class, as class-validator's storage takes it
type DtoClass = Function;

/**
 * Arrays longer than their `@ArrayMaxSize` are refused on the raw body, before class-transformer builds
 * (and class-validator walks) each element: the cost of a refusal does not grow with the array.
 * Nested DTO objects are checked through their declared types.
 */
function oversizedArrays(dto: DtoClass, value: Record<string, unknown>, parent: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    const field = parent ? `${parent}.${rule.propertyName}` : rule.propertyName;
    const property = value[rule.propertyName];
    if (rule.name === 'arrayMaxSize' && Array.isArray(property) && property.length > Number(rule.constraints[0])) {
      errors.push({ field, message: `must contain no more than ${String(rule.constraints[0])} elements` });
    }
  }
  for (const [name, property] of Object.entries(value)) {
    if (property === null || typeof property !== 'object' || Array.isArray(property)) continue;
    const declared: unknown = Reflect.getMetadata('design:type', (dto as { prototype: object }).prototype, name);
    if (typeof declared === 'function' && declared !== Object && getMetadataStorage().getTargetValidationMetadatas(declared, '', true, false).length > 0) {
      errors.push(...oversizedArrays(declared, property as Record<string, unknown>, parent ? `${parent}.${name}` : name));
    }
  }
  return errors;
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

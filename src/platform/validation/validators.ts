import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

/** A property that must satisfy a pure predicate (the rules live in plain, unit-tested functions). */
export function Satisfies(name: string, predicate: (value: unknown) => boolean, message: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name, validator: { validate: (value) => predicate(value), defaultMessage: () => message } }, options);
}

export const whenString = (predicate: (value: string) => boolean) => (value: unknown) => typeof value === 'string' && predicate(value);

export const trimString = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * An optional property that may be left out but not sent as `null` (class-validator's IsOptional lets
 * null through to the database, where a NOT NULL column turns it into a 500). Nullable properties keep
 * IsOptional.
 */
export const IsOmittable = (options?: ValidationOptions): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined, options);

/** `"203.0.113.7, 2001:db8::/32"` → `["203.0.113.7", "2001:db8::/32"]`; arrays pass through. */
export const commaList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((entry) => entry.trim()).filter(Boolean) : value;

import { buildMessage, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

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

/** Code points in a string: what PostgreSQL's varchar(n) counts (a surrogate pair is one). */
export function codePointLength(value: string): number {
  let count = value.length;
  for (let index = 0; index < value.length - 1; index++) {
    const unit = value.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        index++;
      }
    }
  }
  return count;
}

/**
 * At most `max` code points, as the column's varchar(max) counts them. Use this, never class-validator's
 * MaxLength (eslint refuses it): that one counts a character and a following variation selector as ONE,
 * so 200 × "a\uFE0F" (400 code points) passed a limit of 200 and overflowed the column with a 500.
 */
export function MaxLength(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxLength',
      constraints: [max],
      validator: {
        validate: (value) => typeof value === 'string' && (value.length <= max || codePointLength(value) <= max),
        defaultMessage: buildMessage((each) => `${each}$property must be shorter than or equal to $constraint1 characters`, options),
      },
    },
    options,
  );
}

import { ValidateBy, type ValidationOptions } from 'class-validator';

/** A property that must satisfy a pure predicate (the rules live in plain, unit-tested functions). */
export function Satisfies(name: string, predicate: (value: unknown) => boolean, message: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name, validator: { validate: (value) => predicate(value), defaultMessage: () => message } }, options);
}

export const whenString = (predicate: (value: string) => boolean) => (value: unknown) => typeof value === 'string' && predicate(value);

export const trimString = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

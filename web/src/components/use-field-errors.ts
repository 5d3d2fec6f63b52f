import { useCallback, useState } from 'react';

export type FieldErrors = Record<string, string | undefined>;

/** Field errors of a form; an edited field's error goes away until the next submit. */
export function useFieldErrors() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const clear = useCallback((...fields: string[]) => {
    setErrors((current) => (fields.some((field) => current[field]) ? { ...current, ...Object.fromEntries(fields.map((field) => [field, undefined])) } : current));
  }, []);
  return { errors, setErrors, clear };
}

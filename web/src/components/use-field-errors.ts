import { type FormEvent, useCallback, useState } from 'react';
import { fieldErrorsOf } from '../api/problems.js';
import { type FieldErrors, withoutEmpty } from '../auth/validation.js';

export type { FieldErrors };

/** Field errors of a form; an edited field's error goes away until the next submit. */
export function useFieldErrors() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const clear = useCallback((...fields: string[]) => {
    setErrors((current) => (fields.some((field) => current[field]) ? { ...current, ...Object.fromEntries(fields.map((field) => [field, undefined])) } : current));
  }, []);
  return { errors, setErrors, clear };
}

/**
 * One call at a time: busy while it runs, its failure kept for a ProblemPanel. Plain state rather
 * than useMutation, so that a result holding a secret (a new key, a rotation) never enters a cache.
 */
export function useSubmission() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setFailure(undefined);
    try {
      await action();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return { busy, failure, run };
}

/**
 * A form's submit: the client-side checks first (the API's own rules), then `send`; a 400's
 * `errors[]` land next to their fields.
 */
export function useFormSubmission(check: () => FieldErrors, send: () => Promise<void>) {
  const { errors, setErrors, clear } = useFieldErrors();
  const { busy, failure, run } = useSubmission();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = withoutEmpty(check());
    setErrors(found);
    if (Object.keys(found).length) return;
    void run(async () => {
      try {
        await send();
      } catch (error) {
        setErrors(fieldErrorsOf(error));
        throw error;
      }
    });
  };
  return { errors, clear, submit, busy, failure };
}

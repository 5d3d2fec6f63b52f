import { FleetgateProblem, type Problem } from '../../../sdk/index.js';

/** Any thrown value as a problem to show: the server's own, or one describing a network failure. */
export function problemOf(error: unknown): Problem {
  if (error instanceof FleetgateProblem) return error.problem;
  return {
    type: 'about:blank',
    title: 'Network error',
    status: 0,
    code: 'network_error',
    detail: 'The console could not reach the Fleetgate API. Check your connection and try again.',
  };
}

/** The API's 400 `errors[]` by field, for showing next to each input. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof FleetgateProblem)) return {};
  const byField: Record<string, string> = {};
  for (const { field, message } of error.problem.errors ?? []) {
    byField[field] ??= message;
    // `ipAllowlist.2` is shown at `ipAllowlist`
    byField[field.split(/[.[]/)[0]] ??= message;
  }
  return byField;
}

export function isStatus(error: unknown, ...statuses: number[]): boolean {
  return error instanceof FleetgateProblem && statuses.includes(error.status);
}

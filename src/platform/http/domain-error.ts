import { PROBLEM_CODES, type ProblemCode } from './problem-codes.js';

/**
 * The one exception type the modules throw. `extensions` become extra members of the problem body
 * (e.g. `requiredScopes`, `balance`); `headers` are set on the response (e.g. `Retry-After`).
 */
export class DomainError extends Error {
  readonly status: number;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.status = PROBLEM_CODES[code].status;
  }

  static notFound(what = 'Resource'): DomainError {
    return new DomainError('not_found', `${what} not found.`);
  }
}

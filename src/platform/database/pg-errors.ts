import { QueryFailedError } from 'typeorm';

/** The database's error under a failed query (its SQLSTATE and constraint), if that is what `error` is. */
function driverErrorOf(error: unknown): { code?: string; constraint?: string } | undefined {
  return error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
}

/** True when a query failed with this SQLSTATE, on the named constraint if one is given. */
function failedOn(error: unknown, sqlState: string, constraint: string | undefined): boolean {
  const driverError = driverErrorOf(error);
  return driverError?.code === sqlState && (!constraint || driverError.constraint === constraint);
}

/** True when a query (or a COMMIT) failed with this SQLSTATE. */
export const hasSqlState = (error: unknown, sqlState: string): boolean => failedOn(error, sqlState, undefined);

/** True when a query failed on a unique index (SQLSTATE 23505), optionally a named one. */
export const isUniqueViolation = (error: unknown, constraint?: string): boolean => failedOn(error, '23505', constraint);

/** True when a query failed on a foreign key (SQLSTATE 23503), optionally a named one. */
export const isForeignKeyViolation = (error: unknown, constraint?: string): boolean => failedOn(error, '23503', constraint);

/** SQLSTATEs of a transaction that failed only because of another one: running it again may succeed. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/** True when a whole transaction failed on a serialisation failure or a deadlock (SQLSTATE 40001 / 40P01). */
export function isRetryableTransactionFailure(error: unknown): boolean {
  return RETRYABLE.has(driverErrorOf(error)?.code ?? '');
}

/** Attempts of a whole transaction before its serialisation or deadlock failure reaches the caller. */
export const TRANSACTION_ATTEMPTS = 3;

/**
 * Runs `transaction` (which must start a transaction of its own and have no effect outside it) again
 * from scratch when it failed on a serialisation failure or a deadlock, up to TRANSACTION_ATTEMPTS
 * times, after a short random pause so the transactions that collided do not collide again.
 */
export async function retryingTransaction<T>(transaction: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction(attempt);
    } catch (error) {
      if (attempt >= TRANSACTION_ATTEMPTS || !isRetryableTransactionFailure(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

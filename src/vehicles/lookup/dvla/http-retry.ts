/** An upstream that did not answer usefully (timeout, network error, 429 or 5xx after retries, bad credentials). */
export class UpstreamUnavailable extends Error {}

export interface RetryPolicy {
  maxAttempts: number;
  /** Per attempt. */
  timeoutMs: number;
  /** First back-off; doubled per attempt (a Retry-After header wins, capped at MAX_BACKOFF_MS). */
  backoffMs: number;
  signal?: AbortSignal;
}

const MAX_BACKOFF_MS = 5_000;

const isRetryableStatus = (status: number) => status === 429 || status >= 500;

/**
 * fetch with a timeout per attempt and retries with exponential back-off on 429, 5xx, timeouts and
 * network errors. Returns the first non-retryable response (the caller interprets 2xx/4xx).
 */
export async function fetchWithRetry(name: string, url: string, init: RequestInit, policy: RetryPolicy): Promise<Response> {
  let lastProblem = 'no attempt made';
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt += 1) {
    if (policy.signal?.aborted) throw new UpstreamUnavailable(`${name}: aborted`);
    let retryAfterMs: number | null = null;
    try {
      const signals = [AbortSignal.timeout(policy.timeoutMs), ...(policy.signal ? [policy.signal] : [])];
      const response = await fetch(url, { ...init, signal: AbortSignal.any(signals) });
      if (!isRetryableStatus(response.status)) return response;
      lastProblem = `${name} answered ${response.status}`;
      retryAfterMs = retryAfter(response.headers.get('retry-after'));
      await response.body?.cancel();
    } catch (error) {
      lastProblem = `${name}: ${error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : describe(error)}`;
    }
    if (attempt < policy.maxAttempts) await sleep(Math.min(retryAfterMs ?? policy.backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS), policy.signal);
  }
  throw new UpstreamUnavailable(lastProblem);
}

function retryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed';
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : error.name;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** Parses a JSON body, or null when it is not JSON. */
export async function jsonBody(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

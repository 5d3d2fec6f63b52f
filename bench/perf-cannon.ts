/**
 * One autocannon load in its own process (so it shares no event loop with the app or the harness), for
 * `bench/perf-bench.ts`. argv[2]: JSON {@link LoadSpec}. Prints one JSON line: {@link LoadResult}.
 * `kind: "registration"` gives every request body a fresh UK registration (a repeat would answer 409),
 * from `firstRegistration` on.
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Record<string, unknown>;
  kind: 'static' | 'registration';
  /** The index of the first registration `kind: "registration"` sends: each load of a run starts past the last one's. */
  firstRegistration?: number;
}

export interface LoadResult {
  /** 2xx responses per second of the run. */
  rps: number;
  /** Latency percentiles of 2xx responses (autocannon keeps whole milliseconds). */
  p50: number;
  p99: number;
  /** Mean latency from Little's law: connections / throughput of all responses (sub-millisecond precision). */
  meanMs: number;
  ok: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

// No I, O, Q (not in registrations) and no X, Z (the simulated provider's not-found / service-down prefixes).
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWY';
/**
 * The age identifier of the set-up vehicle (BE24NCH), whose DVLA/MOT data is the write ceiling's row: so
 * every vehicle created has the simulated data of the same size (the MOT history grows with the age).
 */
const AGE = '24';
/** Distinct registrations of that age: 21^5, a little over 4 million. */
const REGISTRATIONS = LETTERS.length ** 5;

const spec = JSON.parse(process.argv[2]) as LoadSpec;
let counter = spec.firstRegistration ?? Math.floor(Math.random() * REGISTRATIONS);

/** A distinct current-format registration (AB12CDE) per call, never the set-up vehicle's. */
function registration(): string {
  let n = counter++ % REGISTRATIONS;
  const letters: string[] = [];
  for (let i = 0; i < 5; i++) {
    letters.push(LETTERS[n % LETTERS.length]);
    n = Math.floor(n / LETTERS.length);
  }
  const made = `${letters[0]}${letters[1]}${AGE}${letters[2]}${letters[3]}${letters[4]}`;
  return made === 'BE24NCH' ? registration() : made;
}

const statuses: Record<string, number> = {};
const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
// BENCH_RATE: requests per second for the whole load, below saturation (CPU per request compared without contention)
const rate = Number(process.env.BENCH_RATE ?? 0);
const instance = autocannon({
  url: spec.url,
  connections: spec.connections,
  ...(rate > 0 ? { overallRate: rate } : {}),
  duration: spec.duration,
  method: spec.method,
  headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...spec.headers },
  ...(body === undefined ? {} : { body }),
  requests: [
    {
      ...(spec.kind === 'registration' ? { setupRequest: (request) => ({ ...request, body: JSON.stringify({ ...spec.body, registration: registration() }) }) } : {}),
      onResponse: (status) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
      },
    },
  ],
});
instance.on('done', (result) => {
  const all = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  const ok = result['2xx'];
  const output: LoadResult = {
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    meanMs: all > 0 ? (spec.connections * 1000 * result.duration) / all : Number.NaN,
    ok,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
});

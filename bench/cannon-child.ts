/**
 * Runs one autocannon load in its own process (so it does not share the app's event loop) and prints
 * the result as JSON with the count of each status. argv[2]: JSON {url, connections, duration, token,
 * body, kind}; kind "vehicle" gives every request a fresh registration (a repeat would answer 409).
 */
import autocannon from 'autocannon';

interface Options {
  url: string;
  connections: number;
  duration: number;
  token: string;
  body: Record<string, unknown>;
  kind: 'inspection' | 'vehicle';
}

const options = JSON.parse(process.argv[2]) as Options;
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXY';
let counter = Math.floor(Math.random() * 1_000_000);

/** A distinct current-format registration (AB12CDE) per call. */
function registration(): string {
  let n = counter++;
  const letters: string[] = [];
  for (let i = 0; i < 5; i++) {
    letters.push(LETTERS[n % LETTERS.length]);
    n = Math.floor(n / LETTERS.length);
  }
  const age = String(10 + (n % 15)).padStart(2, '0');
  return `${letters[0]}${letters[1]}${age}${letters[2]}${letters[3]}${letters[4]}`;
}

const statuses: Record<string, number> = {};
const instance = autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.duration,
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
  requests: [
    {
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify(options.kind === 'vehicle' ? { ...options.body, registration: registration() } : options.body),
      }),
      onResponse: (status) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
      },
    },
  ],
});
instance.on('done', (result) => {
  process.stdout.write(JSON.stringify({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, statuses }));
});

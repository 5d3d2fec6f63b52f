import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_PASSWORD, benchEmail } from './bench-app.js';

/**
 * Abuse bench (on demand, not in CI): starts an instance (`node dist/src/main.js`, embedded database
 * unless DATABASE_URL is set) and floods it from 127.0.0.2 while a legitimate client on 127.0.0.1
 * measures its latency:
 *  - slow uploads: 1,000 connections each sending 900 kB of a 1 MB sign-up body, then stalling;
 *  - nested JSON: 8 clients posting {"a":{"a":…}} to the login route in a loop, three ways: 1.14 MB bodies
 *    (over the body limit: what runs 1–3 sent), then 960 kB bodies (read to be refused), from the bench's
 *    own process and then from a child process; each measured in alternating idle and flooded windows.
 * Prints RSS, open file descriptors and the legitimate request's p50/p99 beside idle.
 */
const STALLED_UPLOADS = Number(process.env.ABUSE_UPLOADS ?? 1000);
const NESTED_CLIENTS = Number(process.env.ABUSE_NESTED_CLIENTS ?? 8);
/** 160,000 levels of {"a":…}: 960 kB, under the 1 MiB body limit. */
const NESTED_LEVELS = 160_000;
/** Each nested flood is measured in this many pairs of windows: idle, then flooded. */
const PAIRED_CYCLES = Number(process.env.ABUSE_PAIRED_CYCLES ?? 6);
const PAIRED_WINDOW_MS = 1000;
const PORT = Number(process.env.ABUSE_PORT ?? 3999);
const ATTACKER = '127.0.0.2';
const base = `http://127.0.0.1:${PORT}`;

interface Row { phase: string; rssMb: number; fds: number; p50: number; p99: number; note: string }

function startInstance(): ChildProcess {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'fleetgate-abuse-')),
      LOG_LEVEL: 'warn',
      JOBS_ENABLED: 'false',
      RATE_LIMIT_PER_MINUTE: '1000000000',
      JWT_SECRET: process.env.JWT_SECRET ?? 'bench-jwt-secret-0123456789-abcdefghijklmnop',
      API_KEY_PEPPER: process.env.API_KEY_PEPPER ?? 'bench-api-key-pepper-0123456789-abcdefghijk',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const openFds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function call(method: string, path: string, body?: string, token?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, {
      method, agent, localAddress: '127.0.0.1',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitUntilUp(): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    try {
      if ((await call('GET', '/v1/health/ready')).status === 200) return;
    } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error('instance did not start');
}

/** The legitimate client: sequential authenticated calls for `ms`, each one's latency in ms. */
async function legitSamples(token: string, ms: number): Promise<number[]> {
  const samples: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const started = performance.now();
    const { status } = await call('GET', '/v1/account', undefined, token);
    if (status !== 200) throw new Error(`legitimate request failed: ${status}`);
    samples.push(performance.now() - started);
  }
  return samples;
}

function percentiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1));
  return { p50: at(0.5), p99: at(0.99) };
}

async function legitLatency(token: string, ms: number): Promise<{ p50: number; p99: number }> {
  return percentiles(await legitSamples(token, ms));
}

function stalledUpload(): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ port: PORT, host: '127.0.0.1', localAddress: ATTACKER });
    socket.on('error', () => undefined);
    // read (and drop) the server's 408, so the socket sees the server close it
    socket.resume();
    socket.once('connect', () => {
      socket.write(`POST /v1/auth/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"name":"`);
      socket.write('x'.repeat(900_000));
      resolve(socket);
    });
    socket.once('close', () => resolve(socket));
  });
}

interface FloodCounts { refused400: number; refused413: number; other: number; cut: number }

/**
 * NESTED_CLIENTS loops posting `levels` of {"a":…} to the login route from the attacker's address, each
 * sending its next body as soon as the last was answered (or its connection cut).
 */
function nestedFlood(levels: number): { stop: () => Promise<FloodCounts> } {
  const body = Buffer.from('{"a":'.repeat(levels) + '1' + '}'.repeat(levels));
  const counts: FloodCounts = { refused400: 0, refused413: 0, other: 0, cut: 0 };
  let stopped = false;
  const floodAgent = new Agent({ keepAlive: true, maxSockets: NESTED_CLIENTS });
  const client = async () => {
    while (!stopped) {
      await new Promise<void>((resolve) => {
        let answered = false;
        const req = httpRequest(`${base}/v1/auth/login`, { method: 'POST', agent: floodAgent, localAddress: ATTACKER, headers: { 'content-type': 'application/json' } }, (res) => {
          answered = true;
          if (res.statusCode === 400) counts.refused400++;
          else if (res.statusCode === 413) counts.refused413++;
          else counts.other++;
          res.resume();
          res.on('end', () => resolve());
          res.on('error', () => resolve());
        });
        req.on('error', () => {
          if (!answered) counts.cut++;
          resolve();
        });
        req.end(body);
      });
    }
  };
  const clients = Array.from({ length: NESTED_CLIENTS }, () => client());
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(clients);
      floodAgent.destroy();
      return counts;
    },
  };
}

interface Flood { start: () => Promise<void>; stop: () => Promise<FloodCounts>; close: () => Promise<void> }

function floodInProcess(levels: number): Flood {
  let running: { stop: () => Promise<FloodCounts> } | undefined;
  return {
    start: () => {
      running = nestedFlood(levels);
      return Promise.resolve();
    },
    stop: () => running!.stop(),
    close: () => Promise.resolve(),
  };
}

/**
 * The same flood from a child process, so the legitimate client's event loop does none of the
 * attacker's work. Started once (it imports the app's modules: seconds), then told `start`/`stop` by line.
 */
async function floodFromChild(levels: number): Promise<Flood> {
  const child = spawn(process.execPath, [process.argv[1], 'flood', String(levels)], { stdio: ['pipe', 'pipe', 'inherit'], env: process.env });
  const lines: string[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  const nextLine = async () => {
    while (lines.length === 0) {
      if (child.exitCode !== null) throw new Error('the flood process exited');
      await sleep(20);
    }
    return lines.shift()!;
  };
  if ((await nextLine()) !== 'ready') throw new Error('the flood process did not start');
  return {
    start: async () => {
      child.stdin.write('start\n');
      if ((await nextLine()) !== 'started') throw new Error('the flood process did not start flooding');
    },
    stop: async () => {
      child.stdin.write('stop\n');
      return JSON.parse(await nextLine()) as FloodCounts;
    },
    close: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end();
    }),
  };
}

/** The child side of floodFromChild. */
function floodChild(levels: number): void {
  let running: { stop: () => Promise<FloodCounts> } | undefined;
  let buffered = '';
  process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (buffered + chunk).split('\n');
    buffered = parts.pop()!;
    for (const line of parts) {
      if (line === 'start') {
        running = nestedFlood(levels);
        process.stdout.write('started\n');
      } else if (line === 'stop' && running) {
        void running.stop().then((counts) => process.stdout.write(`${JSON.stringify(counts)}\n`));
        running = undefined;
      }
    }
  });
  process.stdout.write('ready\n');
}

/**
 * The legitimate client's latency with and without the flood, in alternating windows (idle, flood, idle,
 * flood…), so both sides of the ratio see the same background load: on a machine shared with other
 * work, an idle window taken minutes earlier can differ from the flood's by more than the flood does.
 */
async function pairedWindows(token: string, flood: Flood): Promise<{ idle: number[]; flooded: number[]; counts: FloodCounts }> {
  const idle: number[] = [];
  const flooded: number[] = [];
  const counts: FloodCounts = { refused400: 0, refused413: 0, other: 0, cut: 0 };
  for (let cycle = 0; cycle < PAIRED_CYCLES; cycle++) {
    idle.push(...await legitSamples(token, PAIRED_WINDOW_MS));
    await flood.start();
    await sleep(200);
    flooded.push(...await legitSamples(token, PAIRED_WINDOW_MS));
    const stopped = await flood.stop();
    for (const key of Object.keys(counts) as (keyof FloodCounts)[]) counts[key] += stopped[key];
    // the flood's last connections close before the next idle window
    await sleep(200);
  }
  return { idle, flooded, counts };
}

async function main(): Promise<void> {
  const child = startInstance();
  const pid = child.pid!;
  try {
    await waitUntilUp();
    const email = benchEmail('abuse');
    const signup = await call('POST', '/v1/auth/signup', JSON.stringify({ companyName: 'Abuse Bench', name: 'B', email, password: BENCH_PASSWORD }));
    const token = (JSON.parse(signup.text) as { accessToken: string }).accessToken;
    await legitLatency(token, 1000);
    const rows: Row[] = [];
    const idle = await legitLatency(token, 4000);
    const idleRss = rssMb(pid);
    rows.push({ phase: 'idle', rssMb: idleRss, fds: openFds(pid), ...idle, note: '' });

    const sockets = await Promise.all(Array.from({ length: STALLED_UPLOADS }, () => stalledUpload()));
    await sleep(1000);
    const during = await legitLatency(token, 5000);
    let peakRss = rssMb(pid);
    const fdsDuring = openFds(pid);
    const held = sockets.filter((socket) => !socket.destroyed).length;
    rows.push({ phase: `${STALLED_UPLOADS} stalled uploads`, rssMb: peakRss, fds: fdsDuring, ...during, note: `${held} held open by the server (cap per IP), rest closed at once` });
    const deadline = Date.now() + 120_000;
    while (sockets.some((socket) => !socket.destroyed) && Date.now() < deadline) {
      peakRss = Math.max(peakRss, rssMb(pid));
      await sleep(500);
    }
    const answered408 = sockets.filter((socket) => !socket.destroyed).length === 0;
    await sleep(2000);
    const after = await legitLatency(token, 3000);
    rows.push({ phase: 'after uploads timed out', rssMb: rssMb(pid), fds: openFds(pid), ...after, note: `all closed: ${answered408}; peak RSS ${peakRss.toFixed(0)} MB` });

    // 960 kB (160,000 levels) is under the 1 MiB body limit, so the server must read it to refuse it;
    // runs 1–3 sent 190,000 levels (1.14 MB), which the Content-Length check refused with 413 unread
    const floods: { label: string; levels: number; where: 'in-process' | 'child' }[] = [
      { label: '1.14 MB bodies (413 on Content-Length; what runs 1–3 sent), flood in the bench process', levels: 190_000, where: 'in-process' },
      { label: '960 kB bodies (400 as they stream in), flood in the bench process', levels: NESTED_LEVELS, where: 'in-process' },
      { label: '960 kB bodies (400 as they stream in), flood from a separate process', levels: NESTED_LEVELS, where: 'child' },
    ];
    const nestedRatios: number[] = [];
    for (const flood of floods) {
      const control = flood.where === 'child' ? await floodFromChild(flood.levels) : floodInProcess(flood.levels);
      const { idle: pairedIdle, flooded, counts } = await pairedWindows(token, control);
      await control.close();
      const beside = percentiles(pairedIdle);
      const under = percentiles(flooded);
      nestedRatios.push(under.p99 / beside.p99);
      rows.push({
        phase: `${NESTED_CLIENTS} nested-JSON clients: ${flood.label}`, rssMb: rssMb(pid), fds: openFds(pid), ...under,
        note: `idle windows beside it p50 ${beside.p50} / p99 ${beside.p99} ms: p99 ${(under.p99 / beside.p99).toFixed(1)}×; ` +
          `${counts.refused400} × 400, ${counts.refused413} × 413, ${counts.other} other, ${counts.cut} cut before an answer`,
      });
    }

    console.log(`\n| phase | RSS MB | open fds | legit p50 ms | legit p99 ms | note |\n|---|---|---|---|---|---|`);
    for (const row of rows) console.log(`| ${row.phase} | ${row.rssMb.toFixed(0)} | ${row.fds} | ${row.p50} | ${row.p99} | ${row.note} |`);
    const worstRss = Math.max(...rows.map((row) => row.rssMb), peakRss);
    console.log(`\nRSS within 100 MB of idle: ${worstRss - idleRss <= 100 ? 'yes' : 'NO'} (worst +${(worstRss - idleRss).toFixed(0)} MB); ` +
      `legit p99 within 2× idle: uploads ${during.p99 <= 2 * idle.p99 ? 'yes' : 'NO'} (${(during.p99 / idle.p99).toFixed(1)}×), ` +
      `nested (against the idle windows beside each flood) ${nestedRatios.map((ratio) => `${ratio <= 2 ? 'yes' : 'NO'} (${ratio.toFixed(1)}×)`).join(' / ')}`);
    console.log(`load average at the end: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv[2] === 'flood') {
  floodChild(Number(process.argv[3]));
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

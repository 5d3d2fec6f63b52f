import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_PASSWORD, benchEmail } from './bench-app.js';

/**
 * Abuse bench (on demand, not in CI): starts an instance (`node dist/src/main.js`, embedded database
 * unless DATABASE_URL is set) and floods it from 127.0.0.2 while a legitimate client on 127.0.0.1
 * measures its latency:
 *  - slow uploads: 1,000 connections each sending 900 kB of a 1 MB sign-up body, then stalling;
 *  - nested JSON: 8 clients posting 960 kB of {"a":{"a":…}} to the login route in a loop.
 * Prints RSS, open file descriptors and the legitimate request's p50/p99 beside idle.
 */
const STALLED_UPLOADS = Number(process.env.ABUSE_UPLOADS ?? 1000);
const NESTED_CLIENTS = Number(process.env.ABUSE_NESTED_CLIENTS ?? 8);
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

/** The legitimate client: sequential authenticated calls for `ms`, latency percentiles in ms. */
async function legitLatency(token: string, ms: number): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const started = performance.now();
    const { status } = await call('GET', '/v1/account', undefined, token);
    if (status !== 200) throw new Error(`legitimate request failed: ${status}`);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => Number(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(1));
  return { p50: at(0.5), p99: at(0.99) };
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

    const nested = '{"a":'.repeat(190_000) + '1' + '}'.repeat(190_000);
    let stop = false;
    let refused = 0;
    const floodAgent = new Agent({ keepAlive: true, maxSockets: NESTED_CLIENTS });
    const floodClient = async () => {
      while (!stop) {
        await new Promise<void>((resolve) => {
          const req = httpRequest(`${base}/v1/auth/login`, { method: 'POST', agent: floodAgent, localAddress: ATTACKER, headers: { 'content-type': 'application/json' } }, (res) => {
            if (res.statusCode === 400 || res.statusCode === 413) refused++;
            res.resume();
            res.on('end', () => resolve());
          });
          req.on('error', () => resolve());
          req.end(nested);
        });
      }
    };
    const clients = Array.from({ length: NESTED_CLIENTS }, () => floodClient());
    await sleep(500);
    const underNested = await legitLatency(token, 5000);
    rows.push({ phase: `${NESTED_CLIENTS} nested-JSON clients`, rssMb: rssMb(pid), fds: openFds(pid), ...underNested, note: `${refused} nested bodies refused (400 or 413)` });
    stop = true;
    await Promise.all(clients);

    console.log(`\n| phase | RSS MB | open fds | legit p50 ms | legit p99 ms | note |\n|---|---|---|---|---|---|`);
    for (const row of rows) console.log(`| ${row.phase} | ${row.rssMb.toFixed(0)} | ${row.fds} | ${row.p50} | ${row.p99} | ${row.note} |`);
    const worstRss = Math.max(...rows.map((row) => row.rssMb), peakRss);
    console.log(`\nRSS within 100 MB of idle: ${worstRss - idleRss <= 100 ? 'yes' : 'NO'} (worst +${(worstRss - idleRss).toFixed(0)} MB); ` +
      `legit p99 within 2× idle: uploads ${during.p99 <= 2 * idle.p99 ? 'yes' : 'NO'}, nested ${underNested.p99 <= 2 * idle.p99 ? 'yes' : 'NO'}`);
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * `npm run bench:verify`: the offline verifier (tools/audit-verify) on AUDIT_VERIFY_BENCH_EVENTS (default
 * 1,000,000) chained events of one company in a temporary NDJSON export, with a signed checkpoint every
 * 100,000 events. The CLI runs as a child process, as a customer runs it; the ceilings are measured in
 * this process over the same file in the same run: reading its lines, reading and JSON.parse, and reading,
 * parsing, canonicalising and SHA-256 (the hash work without any checking). Each figure is the median of
 * AUDIT_VERIFY_BENCH_ROUNDS (default 3) rounds, as wall-clock and as CPU time (user + system): on a shared
 * machine the CPU time is the steadier measure of what the work costs. Prints a Markdown table.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chainHash as verifierChainHash } from '#audit-verify/chain.js';
import { forEachLine, type VerifyReport } from '#audit-verify/verify.js';
import { generateSigningKeyPem, loadSigningKey, makeCheckpoint, publishedKey } from '../src/audit/checkpoints/checkpoint-signature.js';
import { auditRow, checkpointLine, exportLine, random, rechain } from '../test/support/audit-exports.js';

const EVENTS = Number(process.env.AUDIT_VERIFY_BENCH_EVENTS ?? 1_000_000);
const ROUNDS = Number(process.env.AUDIT_VERIFY_BENCH_ROUNDS ?? 3);
/** Worker threads of the parallel CLI run (`--threads`). */
const THREADS = Number(process.env.AUDIT_VERIFY_BENCH_THREADS ?? availableParallelism());
const CHECKPOINT_EVERY = 100_000;
const COMPANY = '019a0000-0000-7000-8000-0000000000aa';
const BIN = fileURLToPath(new URL('../../tools/audit-verify/bin/fleetgate-audit-verify.js', import.meta.url));

/** Writes the export in batches, chaining with the server's own chainHash; returns the checkpoint count. */
function generate(path: string, keysPath: string): number {
  const key = loadSigningKey(generateSigningKeyPem());
  writeFileSync(keysPath, JSON.stringify({ keys: [publishedKey(key, new Date('2025-01-01T00:00:00Z'))] }));
  const next = random(1);
  const fd = openSync(path, 'w');
  let previous: ReturnType<typeof auditRow> | undefined;
  let checkpoints = 0;
  for (let low = 0; low < EVENTS; low += 10_000) {
    const rows = [];
    for (let seq = low + 1; seq <= Math.min(low + 10_000, EVENTS); seq += 1) rows.push(auditRow(COMPANY, seq, next));
    if (previous) rows.unshift(previous);
    rechain(rows, previous ? 1 : 0);
    let text = '';
    for (const row of previous ? rows.slice(1) : rows) {
      text += exportLine(row);
      if (Number(row.seq) % CHECKPOINT_EVERY === 0) {
        text += checkpointLine(makeCheckpoint({ companyId: COMPANY, seq: Number(row.seq), hash: row.hash }, key, new Date()));
        checkpoints += 1;
      }
    }
    writeSync(fd, text);
    previous = rows[rows.length - 1];
  }
  closeSync(fd);
  return checkpoints;
}

/** node:readline, for comparison with the verifier's own line splitter. */
function readlineLines(path: string, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const input = createReadStream(path, { highWaterMark: 1 << 20 });
    input.on('error', reject);
    const lines = createInterface({ input, crlfDelay: Infinity });
    lines.on('line', onLine);
    lines.on('close', resolve);
  });
}

interface Sample {
  wall: number;
  cpu: number;
}

/** Wall-clock and CPU seconds (user + system, all threads) of in-process work. */
async function timed(work: () => Promise<unknown>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 };
}

// Loaded into the CLI's process: at exit it reports its own CPU time and peak RSS on stderr (a pipe: synchronous).
const REPORT_USAGE = 'data:text/javascript,' + encodeURIComponent(
  'process.on("exit", () => { const u = process.resourceUsage(); ' +
  'process.stderr.write("\\nBENCH-USAGE " + JSON.stringify({ cpu: (u.userCPUTime + u.systemCPUTime) / 1e6, maxRss: u.maxRSS * 1024 }) + "\\n"); });',
);

/** Runs the CLI as a child process; returns its report, wall and CPU seconds, and peak RSS. */
function runCli(exportPath: string, keysPath: string, threads: number): Promise<{ report: VerifyReport; sample: Sample; maxRss: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', REPORT_USAGE, BIN, 'verify', exportPath, '--keys', keysPath, '--threads', String(threads), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = (performance.now() - started) / 1000;
      const usage = /BENCH-USAGE (.+)/.exec(stderr);
      if (code !== 0 || !usage) {
        reject(new Error(`the verifier exited ${code}: ${stdout.slice(0, 2000)} ${stderr}`));
        return;
      }
      const { cpu, maxRss } = JSON.parse(usage[1]) as { cpu: number; maxRss: number };
      resolve({ report: JSON.parse(stdout) as VerifyReport, sample: { wall, cpu }, maxRss });
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rate = (seconds: number) => Math.round(EVENTS / seconds).toLocaleString('en-GB');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-verify-bench-'));
  const exportPath = join(dir, 'audit-log.ndjson');
  const keysPath = join(dir, 'audit-keys.json');
  try {
    const generating = performance.now();
    const checkpoints = generate(exportPath, keysPath);
    const generateSeconds = (performance.now() - generating) / 1000;
    const megabytes = statSync(exportPath).size / 1024 / 1024;

    const steps: Array<{ name: string; samples: Sample[] }> = [
      { name: 'read lines with node:readline (for comparison)', samples: [] },
      { name: 'ceiling: read lines (the verifier\'s splitter)', samples: [] },
      { name: 'ceiling: read + JSON.parse', samples: [] },
      { name: 'ceiling: read + JSON.parse + canonical JSON + SHA-256, no checks', samples: [] },
      { name: '**CLI `fleetgate-audit-verify verify --json`** (child process, start-up included)', samples: [] },
      { name: `**CLI with \`--threads ${THREADS}\`** (parsing and hashing on worker threads)`, samples: [] },
    ];
    const cliStep = steps[4];
    let maxRss = 0;
    let sink = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      steps[0].samples.push(await timed(() => readlineLines(exportPath, (line) => (sink += line.length))));
      steps[1].samples.push(await timed(() => forEachLine(exportPath, (line) => (sink += line.length))));
      steps[2].samples.push(await timed(() => forEachLine(exportPath, (line) => (sink += (JSON.parse(line) as { seq: number }).seq))));
      steps[3].samples.push(await timed(() => forEachLine(exportPath, (line) => {
        const value = JSON.parse(line) as Parameters<typeof verifierChainHash>[0] & { prevHash: string; type?: string };
        if (value.type !== 'checkpoint') sink += verifierChainHash(value, value.prevHash).length;
      })));
      for (const [threads, step] of [[1, cliStep], [THREADS, steps[5]]] as const) {
        const result = await runCli(exportPath, keysPath, threads);
        const company = result.report.companies[0];
        if (!result.report.valid || company?.checked !== EVENTS || company.checkpointsVerified !== checkpoints) {
          throw new Error(`unexpected report: ${JSON.stringify(result.report).slice(0, 500)}`);
        }
        step.samples.push(result.sample);
        maxRss = Math.max(maxRss, result.maxRss);
      }
    }
    if (sink === 0) throw new Error('nothing was read');

    const cliCpu = median(cliStep.samples.map((sample) => sample.cpu));
    console.log(`\n### Offline verifier (${EVENTS.toLocaleString('en-GB')} events, ${checkpoints} checkpoints, ${megabytes.toFixed(0)} MB NDJSON; ` +
      `generated in ${generateSeconds.toFixed(1)} s; Node ${process.version}; median of ${ROUNDS}; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs)\n`);
    console.log('| step | wall (s) | events/s (wall) | CPU (s) | events per CPU-second | CLI as a share of this step (CPU) |');
    console.log('|---|---|---|---|---|---|');
    for (const step of steps) {
      const wall = median(step.samples.map((sample) => sample.wall));
      const cpu = median(step.samples.map((sample) => sample.cpu));
      console.log(`| ${step.name} | ${wall.toFixed(2)} | ${rate(wall)} | ${cpu.toFixed(2)} | ${rate(cpu)} | ${Math.round((100 * cpu) / cliCpu)} % |`);
    }
    console.log(`\nCLI peak RSS: ${Math.round(maxRss / 1024 / 1024)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

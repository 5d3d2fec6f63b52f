#!/usr/bin/env node
// fleetgate-audit-verify: checks a Fleetgate audit export offline. Exit 0 verified, 1 a failure, 2 a usage error.
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseCheckpointFile, parseKeys, UsageError } from '../lib/inputs.js';
import { verifyExport } from '../lib/verify.js';

const USAGE = `Usage: fleetgate-audit-verify verify EXPORT.ndjson --keys AUDIT-KEYS.json [--checkpoint FILE ...] [--threads N] [--json]

  EXPORT.ndjson     GET /v1/audit-logs/export?format=ndjson&checkpoints=true (or '-' for stdin)
  --keys FILE       GET /.well-known/fleetgate/audit-keys, saved as a file
  --checkpoint FILE a checkpoint saved earlier: one checkpoint, an array, an audit.checkpoint
                    webhook payload or a GET /v1/audit-logs/checkpoints page (JSON or NDJSON); repeatable
  --threads N       parse and hash on N worker threads (default: the CPUs available; 1 works on this
                    thread alone); the checks stay in order on the main thread
  --json            print a machine-readable report instead of the summary

Exit status: 0 verified, 1 verification failed (the report names the first bad seq), 2 usage error.`;

function parseArguments(argv) {
  const options = { command: undefined, input: undefined, keys: undefined, checkpoints: [], json: false, help: false, threads: Math.min(64, availableParallelism()) };
  for (let i = 0; i < argv.length; i += 1) {
    const argument = argv[i];
    const [flag, inline] = argument.startsWith('--') && argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a file`);
      return argv[(i += 1)];
    };
    if (flag === '--help' || flag === '-h') options.help = true;
    else if (flag === '--json') options.json = true;
    else if (flag === '--keys') options.keys = value();
    else if (flag === '--checkpoint') options.checkpoints.push(value());
    else if (flag === '--threads') {
      const threads = Number(value());
      if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new UsageError('--threads needs a whole number from 1 to 64');
      options.threads = threads;
    }
    else if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
    else if (options.command === undefined) options.command = flag;
    else if (options.input === undefined) options.input = flag;
    else throw new UsageError(`unexpected argument ${flag}`);
  }
  if (options.help) return options;
  if (options.command !== 'verify') throw new UsageError(options.command === undefined ? 'missing command: verify' : `unknown command ${options.command}`);
  if (options.input === undefined) throw new UsageError('missing the export file');
  if (options.keys === undefined) throw new UsageError('missing --keys (the saved response of /.well-known/fleetgate/audit-keys)');
  return options;
}

function readInput(path, what) {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${error.code ?? error.message}`);
  }
}

const count = (n) => n.toLocaleString('en-GB');
const plural = (n, noun) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
const MAX_LISTED = 20;

function summary(report) {
  const lines = [`Export: ${report.input}`];
  for (const company of report.companies) {
    const chain = company.checked > 0 ? `hashes and links verified for seq 1–${count(company.lastSeq)} (head ${company.lastHash.slice(0, 16)}…)` : 'no event verified';
    lines.push(`Company ${company.companyId}: ${plural(company.events, 'event')}; ${chain}; ` +
      `${plural(company.checkpointsVerified, 'checkpoint')} on the chain${company.firstBadSeq !== null ? `; first bad seq ${company.firstBadSeq}` : ''}`);
  }
  const byStatus = (status) => report.checkpoints.filter((checkpoint) => checkpoint.status === status).length;
  const saved = report.checkpoints.filter((checkpoint) => !checkpoint.source.startsWith('export line')).length;
  lines.push(`Checkpoints: ${count(byStatus('verified'))} verified, ${count(byStatus('failed'))} failed, ${count(byStatus('not_checked'))} not checked ` +
    `(${count(report.checkpoints.length - saved)} in the export, ${count(saved)} saved)`);
  for (const failure of report.failures.slice(0, MAX_LISTED)) {
    lines.push(`FAIL ${failure.code}${failure.companyId ? ` company ${failure.companyId}` : ''}${Number.isInteger(failure.seq) ? ` seq ${failure.seq}` : ''}: ${failure.message}`);
  }
  if (report.failures.length > MAX_LISTED) lines.push(`… and ${count(report.failures.length - MAX_LISTED)} more failures (--json lists them all)`);
  lines.push(report.valid ? 'Result: OK' : `Result: FAILED (${plural(report.failures.length, 'failure')})`);
  return `${lines.join('\n')}\n`;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const keys = parseKeys(readInput(options.keys, 'the keys file'), options.keys);
  const saved = options.checkpoints.flatMap((path) => parseCheckpointFile(readInput(path, 'the checkpoint file'), path));
  if (options.input !== '-' && !fs.existsSync(options.input)) throw new UsageError(`cannot read the export ${options.input}: ENOENT`);
  const report = await verifyExport({ input: options.input, keys, saved, threads: options.threads });
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : summary(report));
  return report.valid ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    if (error instanceof UsageError) {
      process.stderr.write(`fleetgate-audit-verify: ${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      // a file system error (EISDIR, EACCES…) is the user's to fix; anything else is a bug worth its stack
      process.stderr.write(`fleetgate-audit-verify: ${error.code ? error.message : (error.stack ?? error)}\n`);
      process.exitCode = 2;
    }
  },
);

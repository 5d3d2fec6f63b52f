import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/audit-event.entity.js';
import {
  type Checkpoint,
  generateSigningKeyPem,
  loadSigningKey,
  makeCheckpoint,
  publishedKey,
} from '../../src/audit/checkpoints/checkpoint-signature.js';
import { auditChain, checkpointLine, exportLine, rechain } from '../support/audit-exports.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'tools/audit-verify/bin/fleetgate-audit-verify.js');
const COMPANY = '019a0000-0000-7000-8000-0000000000aa';
const OTHER_COMPANY = '019a0000-0000-7000-8000-0000000000bb';

const key = loadSigningKey(generateSigningKeyPem());
const retiredKey = loadSigningKey(generateSigningKeyPem());
const unpublishedKey = loadSigningKey(generateSigningKeyPem());
const KEYS = {
  keys: [
    publishedKey(retiredKey, new Date('2025-01-01T00:00:00Z'), new Date('2026-03-01T00:00:00Z')),
    publishedKey(key, new Date('2026-03-01T00:00:00Z')),
  ],
};
const at = (iso: string) => new Date(iso);
const checkpointOf = (row: AuditEvent, signedAt = at('2026-06-01T12:00:00Z'), signingKey = key): Checkpoint =>
  makeCheckpoint({ companyId: row.companyId, seq: Number(row.seq), hash: row.hash }, signingKey, signedAt);

const dir = mkdtempSync(join(tmpdir(), 'audit-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function file(content: string | object): string {
  const path = join(dir, `f${(files += 1)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
const ndjson = (...parts: Array<AuditEvent[] | Checkpoint | string>) =>
  file(parts.map((part) => (typeof part === 'string' ? part : Array.isArray(part) ? part.map(exportLine).join('') : checkpointLine(part))).join(''));

interface Failure { code: string; companyId?: string; seq?: number; checkpointSeq?: number; line?: number; message: string }
interface Report {
  valid: boolean;
  companies: Array<{ companyId: string; events: number; checked: number; lastSeq: number; checkpointsVerified: number; firstBadSeq: number | null }>;
  checkpoints: Array<{ source: string; seq: number; status: string; problem?: string }>;
  failures: Failure[];
}
interface Run { code: number | null; stdout: string; stderr: string }

function run(args: string[], options: { stdin?: string; command?: string[] } = {}): Promise<Run> {
  const [command, ...prefix] = options.command ?? [process.execPath, BIN];
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** Runs `verify EXPORT --keys KEYS [--checkpoint ...] --json` and parses the report. */
async function verify(exportPath: string, saved: Array<string> = [], keys: object = KEYS): Promise<Report & { code: number | null }> {
  const result = await run(['verify', exportPath, '--keys', file(keys), ...saved.flatMap((path) => ['--checkpoint', path]), '--json']);
  expect(result.stderr).toBe('');
  return { code: result.code, ...(JSON.parse(result.stdout) as Report) };
}

const firstFailure = (report: Report) => report.failures[0];

describe('fleetgate-audit-verify', () => {
  const chain = auditChain(COMPANY, 40);

  describe('a valid chain', () => {
    it('verifies every hash, every interleaved checkpoint and saved checkpoints, and exits 0', async () => {
      const exportPath = ndjson(chain.slice(0, 10), checkpointOf(chain[9]), chain.slice(10, 30), checkpointOf(chain[29]), chain.slice(30));
      const saved = file(checkpointOf(chain[19], at('2026-02-01T00:00:00Z'), retiredKey));
      const report = await verify(exportPath, [saved]);
      expect(report).toMatchObject({ code: 0, valid: true, failures: [] });
      expect(report.companies).toEqual([
        expect.objectContaining({ companyId: COMPANY, events: 40, checked: 40, lastSeq: 40, checkpointsVerified: 3, firstBadSeq: null }),
      ]);
      expect(report.checkpoints.map((checkpoint) => checkpoint.status)).toEqual(['verified', 'verified', 'verified']);
    });

    it('prints a short human summary', async () => {
      const result = await run(['verify', ndjson(chain, checkpointOf(chain[39])), '--keys', file(KEYS)]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Company ${COMPANY}: 40 events; hashes and links verified for seq 1–40 (head ${chain[39].hash.slice(0, 16)}…); 1 checkpoint on the chain\n`);
      expect(result.stdout).toContain('Checkpoints: 1 verified, 0 failed, 0 not checked (1 in the export, 0 saved)');
      expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('Result: OK');
    });

    it('verifies each company of a concatenated export on its own', async () => {
      const other = auditChain(OTHER_COMPANY, 5, 2);
      const report = await verify(ndjson(chain.slice(0, 3), other.slice(0, 2), chain.slice(3), other.slice(2), checkpointOf(other[4])));
      expect(report.code).toBe(0);
      expect(report.companies.map(({ companyId, checked, checkpointsVerified }) => ({ companyId, checked, checkpointsVerified }))).toEqual([
        { companyId: COMPANY, checked: 40, checkpointsVerified: 0 },
        { companyId: OTHER_COMPANY, checked: 5, checkpointsVerified: 1 },
      ]);
    });

    it('checks checkpoint lines placed after their events (all at the end) with a second pass', async () => {
      const report = await verify(ndjson(chain, checkpointOf(chain[4]), checkpointOf(chain[19]), checkpointOf(chain[39])));
      expect(report).toMatchObject({ code: 0, valid: true });
      expect(report.companies[0].checkpointsVerified).toBe(3);
    });

    it.each([
      ['an audit.checkpoint webhook payload', (c: Checkpoint) => ({ type: 'audit.checkpoint', timestamp: '2026-06-01T12:00:01.000Z', data: c })],
      ['an array', (c: Checkpoint) => [c]],
      ['a checkpoints list page', (c: Checkpoint) => ({ data: [c], nextCursor: null })],
      ['NDJSON of webhook payloads', (c: Checkpoint) => `${JSON.stringify({ type: 'audit.checkpoint', data: c })}\n`],
    ])('reads a saved checkpoint kept as %s', async (_shape, wrap: (checkpoint: Checkpoint) => string | object) => {
      const report = await verify(ndjson(chain), [file(wrap(checkpointOf(chain[24])))]);
      expect(report).toMatchObject({ code: 0, valid: true });
      expect(report.companies[0].checkpointsVerified).toBe(1);
    });

    it('reads the export from stdin with -', async () => {
      const exportText = [...chain.map(exportLine), checkpointLine(checkpointOf(chain[39]))].join('');
      const result = await run(['verify', '-', '--keys', file(KEYS)], { stdin: exportText });
      expect(result.stdout).toContain('Result: OK');
      expect(result.code).toBe(0);
    });

    it('runs with npx from the checkout, with no build step', async () => {
      const result = await run(['verify', ndjson(chain), '--keys', file(KEYS)], { command: ['npx', '--no-install', './tools/audit-verify'] });
      expect(result.stdout).toContain('Result: OK');
      expect(result.code).toBe(0);
    });
  });

  describe('history rewritten with every later hash recomputed', () => {
    const savedBeforeRewrite = [file(checkpointOf(chain[9])), file(checkpointOf(chain[24]))];
    const rewritten = rechain(auditChain(COMPANY, 40).map((row) => ({ ...row })));
    rewritten[14] = { ...rewritten[14], status: 403, outcome: 'denied' };
    rechain(rewritten, 14);

    it('passes the hash chain alone: only a checkpoint saved earlier can tell', async () => {
      const report = await verify(ndjson(rewritten));
      expect(report).toMatchObject({ code: 0, valid: true });
    });

    it('fails on a saved checkpoint covering the rewritten event, narrowing it to after the last matching checkpoint', async () => {
      const report = await verify(ndjson(rewritten), savedBeforeRewrite);
      expect(report.code).toBe(1);
      expect(report.failures).toHaveLength(1);
      expect(firstFailure(report)).toMatchObject({ code: 'checkpoint_not_on_chain', companyId: COMPANY, seq: 25 });
      expect(firstFailure(report).message).toContain('somewhere in seq 11–25 (the checkpoint of seq 10 still matches)');
      expect(report.checkpoints.map((checkpoint) => [checkpoint.seq, checkpoint.status])).toEqual([[10, 'verified'], [25, 'failed']]);
    });

    it('names the rewritten event when the later hashes were not recomputed', async () => {
      const lazy = chain.map((row) => ({ ...row }));
      lazy[14] = { ...lazy[14], status: 403 };
      const report = await verify(ndjson(lazy));
      expect(report.code).toBe(1);
      expect(firstFailure(report)).toMatchObject({ code: 'hash_mismatch', seq: 15 });
      expect(report.companies[0]).toMatchObject({ checked: 14, firstBadSeq: 15 });
    });
  });

  describe('events deleted', () => {
    it('fails a deleted tail when a saved checkpoint lies beyond the end, naming the first missing seq', async () => {
      const report = await verify(ndjson(chain.slice(0, 30)), [file(checkpointOf(chain[34]))]);
      expect(report.code).toBe(1);
      expect(firstFailure(report)).toMatchObject({ code: 'checkpoint_beyond_end', seq: 31, checkpointSeq: 35 });
      expect(report.companies[0].firstBadSeq).toBe(31);
      expect(firstFailure(report).message).toContain('events 31–35 were deleted');
    });

    it('fails a deleted head: a chain not starting at seq 1', async () => {
      const report = await verify(ndjson(chain.slice(3)));
      expect(report.code).toBe(1);
      expect(firstFailure(report)).toMatchObject({ code: 'chain_not_from_seq_1', seq: 1 });
      expect(report.companies[0].firstBadSeq).toBe(1);
    });

    it('fails a gap in the middle, naming the first missing seq', async () => {
      const report = await verify(ndjson(chain.slice(0, 11), chain.slice(13)));
      expect(firstFailure(report)).toMatchObject({ code: 'gap', seq: 12 });
      expect(report.code).toBe(1);
    });

    it('fails when a saved checkpoint names a company the export does not hold', async () => {
      const report = await verify(ndjson(chain), [file(checkpointOf(auditChain(OTHER_COMPANY, 3, 5)[2]))]);
      expect(firstFailure(report)).toMatchObject({ code: 'checkpoint_beyond_end', companyId: OTHER_COMPANY, seq: 1 });
    });
  });

  describe('duplicates and forks', () => {
    it('fails a repeated event', async () => {
      const report = await verify(ndjson(chain.slice(0, 8), chain.slice(7)));
      expect(firstFailure(report)).toMatchObject({ code: 'duplicate', seq: 8 });
    });

    it('fails two different events with the same seq', async () => {
      const fork = rechain(chain.map((row) => ({ ...row })).slice(0, 8));
      fork[7] = { ...fork[7], action: 'vehicle.delete' };
      rechain(fork, 7);
      const report = await verify(ndjson(chain.slice(0, 8), [fork[7]], chain.slice(8)));
      expect(firstFailure(report)).toMatchObject({ code: 'fork', seq: 8 });
    });

    it('still checks checkpoints of the verified part of a broken chain, and leaves later ones unchecked', async () => {
      const report = await verify(ndjson(chain.slice(0, 8), chain.slice(7, 20), checkpointOf(chain[7]), checkpointOf(chain[3]), checkpointOf(chain[15])));
      expect(report.failures.map((failure) => failure.code)).toEqual(['duplicate']);
      expect(report.checkpoints.map((checkpoint) => [checkpoint.seq, checkpoint.status])).toEqual([[8, 'verified'], [4, 'verified'], [16, 'not_checked']]);
    });

    it('fails a prevHash that does not link to the event before', async () => {
      const relinked = chain.map((row) => ({ ...row }));
      relinked[5] = { ...relinked[5], prevHash: 'f'.repeat(64) };
      rechain(relinked, 6);
      relinked[5].hash = chain[5].hash;
      const report = await verify(ndjson(relinked));
      expect(firstFailure(report)).toMatchObject({ code: 'prev_hash_mismatch', seq: 6 });
    });
  });

  describe('checkpoint signatures', () => {
    it('fails a bad signature', async () => {
      const forged = { ...checkpointOf(chain[19]), hash: chain[18].hash };
      const report = await verify(ndjson(chain.slice(0, 10), forged, chain.slice(10)));
      expect(report.code).toBe(1);
      expect(firstFailure(report)).toMatchObject({ code: 'bad_signature', checkpointSeq: 20 });
      expect(firstFailure(report).seq).toBeUndefined();
      expect(report.companies[0].firstBadSeq).toBeNull();
    });

    it('fails a checkpoint signed by a kid the keys file does not list', async () => {
      const report = await verify(ndjson(chain), [file(checkpointOf(chain[19], undefined, unpublishedKey))]);
      expect(report.code).toBe(1);
      expect(firstFailure(report)).toMatchObject({ code: 'unknown_kid', checkpointSeq: 20 });
    });

    it('fails a checkpoint signed outside its key\'s validity', async () => {
      const report = await verify(ndjson(chain, checkpointOf(chain[39], at('2026-04-01T00:00:00Z'), retiredKey)));
      expect(firstFailure(report)).toMatchObject({ code: 'key_not_valid_at_signed_at', checkpointSeq: 40 });
    });

    it('fails a malformed checkpoint line', async () => {
      const report = await verify(ndjson(chain, `${JSON.stringify({ type: 'checkpoint', seq: 'x', hash: 1, signature: '' })}\n`));
      expect(firstFailure(report)).toMatchObject({ code: 'malformed_checkpoint' });
    });
  });

  describe('damaged exports', () => {
    it('fails an export the server interrupted', async () => {
      const report = await verify(ndjson(chain.slice(0, 10), `${JSON.stringify({ error: 'export interrupted: shutting down' })}\n`));
      expect(firstFailure(report)).toMatchObject({ code: 'export_interrupted' });
      expect(report.code).toBe(1);
    });

    it('fails a line that is not JSON, a line of an unknown type, and an empty export', async () => {
      expect(firstFailure(await verify(ndjson(chain.slice(0, 3), '{"id":\n', chain.slice(3))))).toMatchObject({ code: 'malformed_line' });
      expect(firstFailure(await verify(ndjson(chain, '{"type":"head","seq":40}\n')))).toMatchObject({ code: 'malformed_line', line: 41 });
      expect(firstFailure(await verify(ndjson('')))).toMatchObject({ code: 'empty_export' });
    });

    it('cannot check a late checkpoint from stdin, and says so', async () => {
      const stdin = [...chain.map(exportLine), checkpointLine(checkpointOf(chain[4]))].join('');
      const result = await run(['verify', '-', '--keys', file(KEYS), '--json'], { stdin });
      expect(result.code).toBe(1);
      expect(firstFailure(JSON.parse(result.stdout) as Report)).toMatchObject({ code: 'checkpoint_unverifiable', checkpointSeq: 5 });
    });
  });

  describe('usage errors exit 2', () => {
    it.each([
      ['no command', () => []],
      ['an unknown command', () => ['check', ndjson(chain), '--keys', file(KEYS)]],
      ['no --keys', () => ['verify', ndjson(chain)]],
      ['a missing export', () => ['verify', join(dir, 'missing.ndjson'), '--keys', file(KEYS)]],
      ['a keys file that is not JSON', () => ['verify', ndjson(chain), '--keys', file('nope')]],
      ['a key that is not 32 bytes', () => ['verify', ndjson(chain), '--keys', file({ keys: [{ ...KEYS.keys[1], publicKey: 'abc' }] })]],
      ['a checkpoint file without a checkpoint', () => ['verify', ndjson(chain), '--keys', file(KEYS), '--checkpoint', file({ hello: 1 })]],
      ['an unknown option', () => ['verify', ndjson(chain), '--keys', file(KEYS), '--fast']],
    ])('for %s', async (_case, args: () => string[]) => {
      const result = await run(args());
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^fleetgate-audit-verify: .+\n\nUsage: /);
      expect(result.stdout).toBe('');
    });
  });

  describe('--threads', () => {
    const threaded = async (exportPath: string, saved: string[], threads: number): Promise<unknown> => {
      const result = await run(['verify', exportPath, '--keys', file(KEYS), ...saved.flatMap((path) => ['--checkpoint', path]), '--threads', String(threads), '--json']);
      expect(result.stderr).toBe('');
      return { code: result.code, ...(JSON.parse(result.stdout) as object) };
    };

    it('gives exactly the single-threaded report, valid or not, over many batches of lines', async () => {
      const long = auditChain(COMPANY, 7_000, 9);
      const valid = ndjson(long.slice(0, 2500), checkpointOf(long[2499]), long.slice(2500));
      const tampered = rechain(long.map((row) => ({ ...row })));
      tampered[4200].path = '/v1/rewritten';
      const broken = ndjson(tampered.slice(0, 3000), 'not json', tampered.slice(3001), checkpointOf(long[6999]));
      const saved = [file(checkpointOf(long[5999]))];
      for (const exportPath of [valid, broken]) {
        const single = await threaded(exportPath, saved, 1);
        expect(await threaded(exportPath, saved, 3)).toEqual(single);
      }
      expect(await threaded(valid, saved, 3)).toMatchObject({ code: 0, valid: true });
      expect(await threaded(broken, saved, 3)).toMatchObject({ code: 1, valid: false });
    });

    it('refuses a thread count that is not a whole number from 1 to 64', async () => {
      const result = await run(['verify', ndjson(chain), '--keys', file(KEYS), '--threads', '0']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--threads needs a whole number from 1 to 64');
    });
  });
});

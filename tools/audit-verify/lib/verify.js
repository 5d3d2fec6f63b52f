// Verifies an NDJSON audit export in one streaming pass: every hash, the prevHash links from seq 1, every
// checkpoint signature, and that each checkpoint (in the export or saved earlier) is on the chain.
import { GENESIS_HASH } from './chain.js';
import { signatureProblem } from './inputs.js';
import { forEachLine } from './lines.js';
import { forEachParsedLine } from './parallel.js';

export { forEachLine };

const short = (hash) => (typeof hash === 'string' ? `${hash.slice(0, 12)}…` : String(hash));

/** One company's chain as the stream has shown it so far: constant size whatever the number of events. */
class Chain {
  constructor(companyId) {
    this.companyId = companyId;
    this.events = 0; // event lines read
    this.checked = 0; // events whose hash and link were verified
    this.lastSeq = 0;
    this.lastHash = GENESIS_HASH;
    this.failure = undefined; // the first chain failure; checking stops there
    this.pending = new Map(); // seq → checkpoints waiting for that event
  }
}

/**
 * @param {{ input: string, keys: Map<string, object>, saved?: Array<{checkpoint: object, source: string}>, threads?: number }} options
 *   input: an NDJSON file path, or '-' for stdin; keys: parseKeys' result; saved: parseCheckpointFile's results;
 *   threads: worker threads that parse and hash (default 1: all on this thread).
 * @returns {Promise<object>} the report: {valid, input, companies, checkpoints, failures}
 */
export async function verifyExport({ input, keys, saved = [], threads = 1 }) {
  const chains = new Map();
  const checkpoints = [];
  const failures = [];
  const late = []; // in-export checkpoints seen after their event: matched in a second pass
  let current;

  const chainFor = (companyId) => {
    let chain = chains.get(companyId);
    if (!chain) chains.set(companyId, (chain = new Chain(companyId)));
    return chain;
  };
  const fail = (failure) => failures.push(failure);
  const breakChain = (chain, code, seq, message, line) => {
    chain.failure = { code, companyId: chain.companyId, seq, line, message };
    fail(chain.failure);
  };

  const matchCheckpoint = (entry, hash) => {
    if (entry.checkpoint.hash === hash) {
      entry.status = 'verified';
      return;
    }
    entry.status = 'failed';
    const { companyId, seq } = entry.checkpoint;
    entry.problem = { code: 'checkpoint_not_on_chain', companyId, seq, checkpointSeq: seq, source: entry.source, hash };
    fail(entry.problem);
  };

  const addCheckpoint = (checkpoint, source) => {
    const entry = { checkpoint, source, status: 'pending', problem: undefined };
    checkpoints.push(entry);
    const problem = signatureProblem(checkpoint, keys);
    if (problem) {
      entry.status = 'failed';
      const seq = checkpoint?.seq;
      entry.problem = {
        code: problem.code, companyId: checkpoint?.companyId, checkpointSeq: seq, source,
        message: `checkpoint of seq ${JSON.stringify(seq)} (${source}): ${problem.message}`,
      };
      fail(entry.problem);
      return;
    }
    // lastSeq only moves over verified events: at or below it a checkpoint can be matched, above it it waits
    const chain = chainFor(checkpoint.companyId);
    if (checkpoint.seq > chain.lastSeq) {
      const waiting = chain.pending.get(checkpoint.seq);
      if (waiting) waiting.push(entry);
      else chain.pending.set(checkpoint.seq, [entry]);
    } else if (checkpoint.seq === chain.lastSeq) {
      matchCheckpoint(entry, chain.lastHash);
    } else {
      late.push(entry);
    }
  };

  // `hashed`: the event's own hash as parseLine computed it (possibly on a worker thread)
  const onEvent = (event, line, hashed) => {
    const companyId = event.companyId;
    if (typeof companyId !== 'string') {
      fail({ code: 'malformed_event', line, message: `line ${line}: an event without a companyId` });
      return;
    }
    const chain = current !== undefined && current.companyId === companyId ? current : (current = chainFor(companyId));
    chain.events += 1;
    if (chain.failure) return;
    const seq = event.seq;
    if (!Number.isSafeInteger(seq) || seq < 1) {
      breakChain(chain, 'malformed_event', chain.lastSeq + 1, `line ${line}: an event without a valid seq after seq ${chain.lastSeq}`, line);
      return;
    }
    if (seq !== chain.lastSeq + 1) {
      if (chain.lastSeq === 0) {
        breakChain(chain, 'chain_not_from_seq_1', 1, `the chain starts at seq ${seq}: events 1–${seq - 1} are missing (head deleted, or a partial export)`, line);
      } else if (seq > chain.lastSeq) {
        breakChain(chain, 'gap', chain.lastSeq + 1, `seq ${seq} follows seq ${chain.lastSeq}: events ${chain.lastSeq + 1}–${seq - 1} are missing`, line);
      } else if (seq === chain.lastSeq) {
        const fork = event.hash !== chain.lastHash;
        breakChain(chain, fork ? 'fork' : 'duplicate', seq, fork ? `seq ${seq} appears twice with different hashes (a fork)` : `seq ${seq} appears twice`, line);
      } else {
        breakChain(chain, 'out_of_order', seq, `seq ${seq} comes after seq ${chain.lastSeq} (duplicate or out of order)`, line);
      }
      return;
    }
    if (event.prevHash !== chain.lastHash) {
      breakChain(chain, 'prev_hash_mismatch', seq, `seq ${seq}: prevHash ${short(event.prevHash)} is not the hash of seq ${seq - 1} (${short(chain.lastHash)})`, line);
      return;
    }
    if (hashed.hashError) {
      breakChain(chain, 'malformed_event', seq, `seq ${seq}: the event lacks fields the hash covers (line ${line})`, line);
      return;
    }
    const computed = hashed.computed;
    if (computed !== event.hash) {
      breakChain(chain, 'hash_mismatch', seq, `seq ${seq}: the hash does not match the event's content (stored ${short(event.hash)}, computed ${short(computed)})`, line);
      return;
    }
    chain.lastSeq = seq;
    chain.lastHash = computed;
    chain.checked += 1;
    if (chain.pending.size !== 0) {
      const waiting = chain.pending.get(seq);
      if (waiting) {
        chain.pending.delete(seq);
        for (const entry of waiting) matchCheckpoint(entry, computed);
      }
    }
  };

  for (const { checkpoint, source } of saved) addCheckpoint(checkpoint, source);

  await forEachParsedLine(input, threads, (parsed, line) => {
    if (parsed.empty) return;
    const value = parsed.value;
    if (parsed.malformed) {
      fail({ code: 'malformed_line', line, message: `line ${line} is not JSON` });
    } else if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      fail({ code: 'malformed_line', line, message: `line ${line} is not a JSON object` });
    } else if (value.type === 'checkpoint') {
      addCheckpoint(value, `export line ${line}`);
    } else if (value.type !== undefined) {
      fail({ code: 'malformed_line', line, message: `line ${line} has an unknown type ${JSON.stringify(value.type)}` });
    } else if (value.error !== undefined && value.seq === undefined) {
      fail({ code: 'export_interrupted', line, message: `line ${line}: the export was interrupted (${JSON.stringify(value.error)})` });
    } else {
      onEvent(value, line, parsed);
    }
  });

  if (late.length > 0) await matchLate(input, late, matchCheckpoint, fail);

  for (const chain of chains.values()) {
    for (const waiting of chain.pending.values()) {
      for (const entry of waiting) {
        if (chain.failure) {
          entry.status = 'not_checked';
          continue;
        }
        entry.status = 'failed';
        const { seq, signedAt } = entry.checkpoint;
        const end = chain.lastSeq === 0 ? 'the export has no event of this company' : `the chain ends at seq ${chain.lastSeq}`;
        entry.problem = {
          code: 'checkpoint_beyond_end', companyId: chain.companyId, seq: chain.lastSeq + 1, checkpointSeq: seq, source: entry.source,
          message: `checkpoint of seq ${seq} (signed ${signedAt}, ${entry.source}), but ${end}: events ${chain.lastSeq + 1}–${seq} were deleted`,
        };
        fail(entry.problem);
      }
    }
  }
  describeRewrites(checkpoints);
  if (chains.size === 0 && failures.length === 0) fail({ code: 'empty_export', message: 'the export holds no event: nothing was verified' });

  return {
    valid: failures.length === 0,
    input,
    companies: [...chains.values()].map((chain) => ({
      companyId: chain.companyId,
      events: chain.events,
      checked: chain.checked,
      lastSeq: chain.lastSeq,
      lastHash: chain.lastSeq === 0 ? null : chain.lastHash,
      checkpointsVerified: checkpoints.filter((entry) => entry.status === 'verified' && entry.checkpoint.companyId === chain.companyId).length,
      firstBadSeq: firstBadSeq(failures, chain.companyId),
    })),
    checkpoints: checkpoints.map(({ checkpoint, source, status, problem }) => ({
      source, companyId: checkpoint?.companyId, seq: checkpoint?.seq, hash: checkpoint?.hash, kid: checkpoint?.kid,
      signedAt: checkpoint?.signedAt, status, ...(problem ? { problem: problem.code } : {}),
    })),
    failures: failures.map(({ hash: _hash, ...failure }) => failure),
  };
}

/** Second pass for in-export checkpoints that came after their event (the first pass keeps no old hashes). */
async function matchLate(input, late, matchCheckpoint, fail) {
  if (input === '-') {
    for (const entry of late) {
      entry.status = 'failed';
      entry.problem = {
        code: 'checkpoint_unverifiable', companyId: entry.checkpoint.companyId, checkpointSeq: entry.checkpoint.seq, source: entry.source,
        message: `${entry.source}: the checkpoint of seq ${entry.checkpoint.seq} comes after its event; verify from a file to check it`,
      };
      fail(entry.problem);
    }
    return;
  }
  const wanted = new Map(late.map((entry) => [`${entry.checkpoint.companyId} ${entry.checkpoint.seq}`, []]));
  for (const entry of late) wanted.get(`${entry.checkpoint.companyId} ${entry.checkpoint.seq}`).push(entry);
  await forEachLine(input, (text) => {
    if (wanted.size === 0 || text === '') return;
    let value;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    if (value?.type === 'checkpoint') return;
    const key = `${value?.companyId} ${value?.seq}`;
    const entries = wanted.get(key);
    if (entries) {
      wanted.delete(key);
      for (const entry of entries) matchCheckpoint(entry, value.hash);
    }
  });
}

/** Words for checkpoint_not_on_chain, narrowed by the nearest verified checkpoint below it. */
function describeRewrites(checkpoints) {
  for (const entry of checkpoints) {
    if (entry.problem?.code !== 'checkpoint_not_on_chain') continue;
    const { companyId, seq, signedAt, hash } = entry.checkpoint;
    let after = 0;
    for (const other of checkpoints) {
      if (other.status === 'verified' && other.checkpoint.companyId === companyId && other.checkpoint.seq < seq) after = Math.max(after, other.checkpoint.seq);
    }
    entry.problem.message = `checkpoint of seq ${seq} (signed ${signedAt}, ${entry.source}) says hash ${short(hash)}, ` +
      `but seq ${seq} in the export has ${short(entry.problem.hash)}: history was rewritten since it was signed, ` +
      `somewhere in seq ${after + 1}–${seq}${after > 0 ? ` (the checkpoint of seq ${after} still matches)` : ''}`;
  }
}

function firstBadSeq(failures, companyId) {
  let first;
  for (const failure of failures) {
    if (failure.companyId === companyId && Number.isInteger(failure.seq)) first = first === undefined ? failure.seq : Math.min(first, failure.seq);
  }
  return first ?? null;
}

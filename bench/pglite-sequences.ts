/**
 * A copy of the service's pglite-socket patch (src/infra/database/pglite-queue-affinity.ts), kept in
 * bench/ so the embedded ceiling runs on the same socket behaviour as the service without importing
 * src/ (whose layout changes). Keep the two in step.
 *
 * pglite-socket 0.2.17 runs the wire-protocol messages of all connections through one queue, one
 * message at a time, and keeps a connection's turn only while a transaction is open. Outside one, an
 * extended-protocol query (Parse, Bind, Describe, Execute, Sync) of one connection can be interleaved
 * with another's on PGlite's single session: under concurrent load queries then fail with "unnamed
 * prepared statement does not exist" / "portal does not exist". This keeps the turn with a connection
 * from its first message until its Sync (or simple Query), as a real server's separate sessions would,
 * and stops a failed message from stalling the queue.
 */
interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
  onData: (data: Uint8Array) => void;
}

interface PGliteLike {
  isInTransaction(): boolean;
  runExclusive<T>(work: () => Promise<T>): Promise<T>;
  execProtocolRawStream(message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }): Promise<void>;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGliteLike;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
const STARTUP = 0x00; // startup and SSL/cancel requests start with their length

/** Patches the server's query queue in place (`server.queryQueue`). */
export function keepProtocolSequencesTogether(server: unknown): void {
  const queue = (server as { queryQueue?: QueryQueue }).queryQueue;
  if (!queue || typeof queue.processQueue !== 'function') throw new Error('pglite-socket internals changed: queryQueue not found');
  let sequenceOwner: number | null = null;

  const clearQueueForHandler = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    if (sequenceOwner === handlerId) sequenceOwner = null;
    clearQueueForHandler(handlerId);
  };

  queue.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = this.db.isInTransaction() && this.lastHandlerId !== null ? this.lastHandlerId : sequenceOwner;
        let item: QueuedMessage | undefined;
        if (owner === null) {
          item = this.queue.shift();
        } else {
          const index = this.queue.findIndex((queued) => queued.handlerId === owner);
          if (index === -1) break; // the owner's next message has not arrived yet
          item = this.queue.splice(index, 1)[0];
        }
        if (!item) break;
        let bytes = 0;
        const current = item;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (error) {
          sequenceOwner = null;
          current.reject(error);
          continue;
        }
        this.lastHandlerId = current.handlerId;
        const type = current.message[0];
        sequenceOwner = type === SYNC || type === QUERY || type === TERMINATE || type === STARTUP ? null : current.handlerId;
        current.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
}

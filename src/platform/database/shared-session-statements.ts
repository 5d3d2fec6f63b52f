import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';

/** The longest prepared statement name PostgreSQL keeps whole (NAMEDATALEN - 1 bytes). */
const MAX_NAME_BYTES = 63;

/**
 * This process's mark in the names: processes that share one embedded database (a test's server in a
 * child process) never take each other's names.
 */
const PROCESS_MARK = randomBytes(3).toString('hex');
let slotsMade = 0;

/** pg's record of what a connection has prepared, which pg consults before sending a Parse. */
interface PgConnection {
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
}

/** Names prepared under one slot: the session holds them whichever connection prepared them. */
interface Slot {
  suffix: string;
  parsed: Record<string, string>;
}

/**
 * Prepared statements where every connection of a pool shares one backend session (PGlite): there a
 * name prepared by one connection is refused to the next ("already exists"), so each connection takes
 * a slot, and its statements are named for the slot. A connection that ends gives its slot to the next
 * new one with pg's record of what the slot prepared, so that connection prepares nothing again, and
 * the session holds at most a pool's worth of each statement however often connections come and go.
 * A slot whose connection ended while a Parse was on its way is not given on (the session may or may
 * not hold that statement).
 */
export class SharedSessionStatements {
  private readonly free: Slot[] = [];
  private readonly slots = new WeakMap<PoolClient, Slot>();

  /** The session-wide name for `name` on `client`; undefined (unnamed) where it would not fit. */
  nameOn(client: PoolClient, name: string): string | undefined {
    const named = `${name}~${this.slotOf(client).suffix}`;
    return Buffer.byteLength(named) > MAX_NAME_BYTES ? undefined : named;
  }

  private slotOf(client: PoolClient): Slot {
    const held = this.slots.get(client);
    if (held) return held;
    const slot = this.free.pop() ?? { suffix: `${PROCESS_MARK}${(slotsMade++).toString(36)}`, parsed: {} };
    const connection = (client as unknown as { connection: PgConnection }).connection;
    connection.parsedStatements = slot.parsed;
    this.slots.set(client, slot);
    client.once('end', () => {
      if (Object.keys(connection.submittedNamedStatements).length === 0) this.free.push(slot);
    });
    return slot;
  }
}

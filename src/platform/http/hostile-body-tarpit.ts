import type { Socket } from 'node:net';

/**
 * Port: counts, per client address, the requests refused for a hostile body; true once the address is
 * over its budget for the window. Implemented by identity's throttles (the same store, Redis or memory,
 * and the same address as the other per-address throttles) and bound by the composition root.
 */
export interface HostileBodyCounter {
  countHostileBody(address: string): Promise<boolean>;
}

/**
 * Holds the refusal of a hostile body (JSON nested too deep, a body over the limit) from an address over
 * its budget: its connection stays paused (nothing more is read) for the delay, then the same answer is
 * sent, with `Connection: close`. An attacker that resends as soon as it is answered then costs one
 * refusal per delay and connection instead of one per ~0.6 ms of CPU, while the address's other
 * requests are never delayed (only the refusal is held). The per-address connection cap bounds how
 * many refusals one address can have held at once. A client that goes away is answered (into nothing)
 * at once; on shutdown every held refusal is answered at once, so none holds the server open.
 */
export class HostileBodyTarpit {
  private counter?: HostileBodyCounter;
  private closing = false;
  private readonly held = new Set<() => void>();

  constructor(private readonly delayMs: number) {}

  /** The counter exists only once the app's modules do; refusals before that are answered at once. */
  countWith(counter: HostileBodyCounter): void {
    this.counter = counter;
  }

  /** Refusals held right now. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Counts the refusal against the address, then answers it at once, or after the delay if the address is over its budget. */
  refuse(address: string, socket: Socket, answer: () => void): void {
    const counter = this.counter;
    if (!counter || this.delayMs === 0) {
      answer();
      return;
    }
    counter.countHostileBody(address).then(
      (over) => (over && !this.closing && !socket.destroyed ? this.hold(socket, answer) : answer()),
      () => answer(),
    );
  }

  /** Answers every held refusal now (the server is closing). */
  releaseAll(): void {
    this.closing = true;
    for (const release of [...this.held]) release();
  }

  private hold(socket: Socket, answer: () => void): void {
    const release = () => {
      if (!this.held.delete(release)) return;
      clearTimeout(timer);
      socket.removeListener('close', release);
      answer();
    };
    const timer = setTimeout(release, this.delayMs);
    socket.once('close', release);
    this.held.add(release);
  }
}

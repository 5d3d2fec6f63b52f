/**
 * Where an instance is in its life, for the parts that must behave differently while it stops
 * (contract §4 operations): readiness answers 503 from the moment a drain begins, and long streams
 * end with a visible error marker once in-flight requests are out of time.
 */
export class Lifecycle {
  private drainingSince?: number;
  private readonly deadline = new AbortController();

  /** SIGTERM: the load balancer should move traffic away; requests are still served. */
  beginDrain(): void {
    this.drainingSince ??= Date.now();
  }

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** In-flight work is out of time: streams still running end now, with their error marker. */
  endStreams(): void {
    this.beginDrain();
    this.deadline.abort();
  }

  /** Aborted when streams must end (see endStreams). */
  get streamsDeadline(): AbortSignal {
    return this.deadline.signal;
  }
}

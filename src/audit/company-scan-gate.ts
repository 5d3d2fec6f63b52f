import { Injectable } from '@nestjs/common';
import { DomainError } from '../platform/http/domain-error.js';

/**
 * One full-log scan (export or verify) per company at a time on an instance: a second one while the
 * first runs is answered 429 with Retry-After, so one company cannot multiply its scans and crowd out
 * everyone else's requests.
 */
@Injectable()
export class CompanyScanGate {
  private readonly running = new Set<string>();

  /** Takes the company's slot or refuses with 429; call the returned function exactly once to free it. */
  enter(companyId: string): () => void {
    if (this.running.has(companyId)) {
      throw new DomainError('rate_limited', 'An export or verification of this audit log is already running; retry when it has finished.', {}, { 'Retry-After': '5' });
    }
    this.running.add(companyId);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running.delete(companyId);
    };
  }

  async run<T>(companyId: string, work: () => Promise<T>): Promise<T> {
    const leave = this.enter(companyId);
    try {
      return await work();
    } finally {
      leave();
    }
  }
}

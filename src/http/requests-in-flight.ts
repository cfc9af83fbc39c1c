import type { ServerResponse } from 'node:http';
import type { RequestsInFlight } from '../core/ports.js';

/** Counts the requests the HTTP server is answering, for the saves that wait for a lull in them. */
export class HttpRequestsInFlight implements RequestsInFlight {
  private count = 0;
  private readonly waiting = new Set<() => void>();

  /** Counts `res` until it has been sent or its connection closed. */
  track(res: ServerResponse): void {
    this.count++;
    res.once('close', () => {
      if (--this.count === 0) for (const wake of [...this.waiting]) wake();
    });
  }

  lull(maxWaitMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, maxWaitMs);
      this.waiting.add(wake);
    });
  }
}

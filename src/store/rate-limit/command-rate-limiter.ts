import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** Fair use: save requests one user may make per minute on one instance (a burst of 120 saves stays well within). */
export const SAVES_PER_USER_PER_MINUTE = 300;

/**
 * The per-user limit on save requests (rate-limiter-flexible, in memory: each instance counts its own requests, which
 * is enough to stop one user flooding it). `take` answers 0 when the request may go, else the ms until it may.
 */
export function createCommandRateLimiter(points = SAVES_PER_USER_PER_MINUTE): { take(key: string): Promise<number> } {
  const limiter = new RateLimiterMemory({ keyPrefix: 'save_commands', points, duration: 60 });
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return 0;
      } catch (res) {
        if (res instanceof RateLimiterRes) return Math.max(1, res.msBeforeNext);
        throw res;
      }
    },
  };
}

/** Notion's documented limit, as the sandbox enforces it when asked to: an average rate per connection, with bursts. */
export interface RateLimitOptions {
  /** Average requests per second allowed per connection (Notion documents 3). */
  requestsPerSecond: number;
  /** Requests a connection may make at once before the average applies. */
  burst: number;
}

/**
 * One token bucket per connection (bot): full at `burst`, refilled continuously at `requestsPerSecond`. A call
 * either takes a token or is refused with the whole seconds until the next one is due, as Notion's integer
 * `Retry-After` says. Refused calls take nothing, so a client that waits as told gets through.
 */
export class ConnectionRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number,
  ) {
    if (!(options.requestsPerSecond > 0) || !(options.burst >= 1))
      throw new RangeError('rate limit needs requestsPerSecond > 0 and burst >= 1');
  }

  /** Null when the call may go ahead; otherwise the Retry-After in seconds (at least 1). */
  take(connection: string): number | null {
    const now = this.now();
    const { requestsPerSecond: rate, burst } = this.options;
    const bucket = this.buckets.get(connection) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(connection, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
  }
}

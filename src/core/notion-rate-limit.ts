/**
 * Notion allows about 3 requests/s per connection with short bursts. Every Notion call made with a user's token passes
 * this limiter, shared by all instances (rate-limiter-flexible on the store's Redis / Postgres / SQLite, or memory).
 * Keys are derived from the connection (e.g. a digest of the bot id), never the token itself.
 */
export interface NotionRateLimiter {
  /** Takes one request slot for `key`: 0 when the call may go now, else how many ms to wait before trying again. */
  take(key: string): Promise<number>;
  /** Notion answered 429 with Retry-After: no call for `key` goes out for `ms`, on any instance. */
  block(key: string, ms: number): Promise<void>;
}

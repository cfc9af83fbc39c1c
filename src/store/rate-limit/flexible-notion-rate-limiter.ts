import { BurstyRateLimiter, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { NotionRateLimiter } from '../../core/notion-rate-limit.js';

/** NOTION_RATE_PER_SECOND and NOTION_BURST. */
export interface NotionRateSettings {
  /** Average requests per second per connection. */
  perSecond: number;
  /** Requests a connection may send at once after a quiet spell (the average included). */
  burst: number;
}

/**
 * The burst allowance (`burst - perSecond` on top of the average) comes back once per this window: short enough that
 * a user who saves a handful of tweets now and then never waits, long enough that the long-run rate stays close to
 * the average (10 at 3/s: 7 extra a minute, about 4% over). A 429 that still happens only delays the job.
 */
export const BURST_WINDOW_SECONDS = 60;

/** What a store-specific rate-limiter-flexible class is built from. */
export type LimiterFactory = (options: {
  keyPrefix: string;
  points: number;
  duration: number;
}) => Promise<RateLimiterAbstract>;

/**
 * NotionRateLimiter on rate-limiter-flexible: a BurstyRateLimiter (an average per second, plus a burst allowance) and a
 * separate block list for 429s, so a block holds even while burst points remain. The same class runs on every store:
 * only the factory differs (memory, SQLite, Redis, Postgres), so all instances on one store share the counts.
 */
export class FlexibleNotionRateLimiter implements NotionRateLimiter {
  /** Per key, when the last caller this process turned away was told to come back. */
  private readonly comeBackAt = new Map<string, number>();

  private constructor(
    private readonly limiter: Pick<RateLimiterAbstract, 'consume'>,
    private readonly blocks: RateLimiterAbstract,
    /** How far apart turned-away callers of one key are told to come back. */
    private readonly spacingMs: number,
  ) {}

  static async create(
    settings: NotionRateSettings,
    factory: LimiterFactory,
    prefix: string,
  ): Promise<FlexibleNotionRateLimiter> {
    if (!Number.isInteger(settings.perSecond) || settings.perSecond < 1)
      throw new TypeError('perSecond must be a whole number >= 1');
    const rate = await factory({ keyPrefix: `${prefix}_rate`, points: settings.perSecond, duration: 1 });
    const extra = Math.floor(settings.burst) - settings.perSecond;
    const limiter =
      extra > 0
        ? new BurstyRateLimiter(
            rate,
            await factory({ keyPrefix: `${prefix}_burst`, points: extra, duration: BURST_WINDOW_SECONDS }),
          )
        : rate;
    const blocks = await factory({ keyPrefix: `${prefix}_block`, points: 1, duration: 1 });
    // Half a request's share of a second: twice as many come back as can go, so no second's slots go unused when one
    // comes back late, and each save is still turned away only a couple of times.
    return new FlexibleNotionRateLimiter(limiter, blocks, 500 / settings.perSecond);
  }

  async take(key: string): Promise<number> {
    const blocked = await this.blocks.get(key);
    if (blocked && blocked.consumedPoints > this.blocks.points) return this.spread(key, waitOf(blocked));
    try {
      await this.limiter.consume(key, 1);
      return 0;
    } catch (res) {
      if (res instanceof RateLimiterRes) return this.spread(key, waitOf(res));
      throw res;
    }
  }

  /**
   * The wait for a caller turned away: the store's wait, and at least `spacingMs` after the caller turned away before
   * it. Told the same wait, every waiting save of one connection would come back at the
   * same instant, a few would get slots and the rest be turned away again: a user's burst of 200 then costs
   * thousands of store round trips. Spread, each comes back a few times at most. (Per process: instances spread their own.)
   */
  private spread(key: string, waitMs: number): number {
    const now = Date.now();
    if (this.comeBackAt.size > 10_000) for (const [k, at] of this.comeBackAt) if (at <= now) this.comeBackAt.delete(k);
    const previous = this.comeBackAt.get(key) ?? 0;
    const at = Math.max(now + waitMs, previous + this.spacingMs);
    this.comeBackAt.set(key, at);
    return Math.ceil(at - now);
  }

  async block(key: string, ms: number): Promise<void> {
    // `Retry-After: 0` asks for nothing but the retry itself.
    if (ms <= 0) return;
    // Whole seconds (Retry-After is in seconds; the Redis store drops fractions); a shorter block never cuts a longer one.
    const seconds = Math.max(1, Math.ceil(ms / 1_000));
    const current = await this.blocks.get(key);
    if (current && current.consumedPoints > this.blocks.points && current.msBeforeNext >= seconds * 1_000) return;
    await this.blocks.block(key, seconds);
  }
}

/** A denial's wait: at least 1 ms (0 means "go"), and a second when the store gives no expiry. */
function waitOf(res: RateLimiterRes): number {
  return res.msBeforeNext > 0 ? Math.ceil(res.msBeforeNext) : 1_000;
}

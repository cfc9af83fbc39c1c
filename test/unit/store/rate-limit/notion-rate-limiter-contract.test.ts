import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openNotionRateLimiter,
  type OpenedNotionRateLimiter,
} from '../../../../src/store/rate-limit/open-notion-rate-limiter.js';
import { tempDir } from '../helpers.js';
import { requireServiceInCi } from '../jobs/services.js';

const redisUrl = requireServiceInCi('TEST_REDIS_URL');
const postgresUrl = requireServiceInCi('TEST_POSTGRES_URL');
const run = `t${process.pid}_${randomBytes(3).toString('hex')}`;
let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.remove();
  if (postgresUrl) {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS "limits_${run}"`).finally(() => client.end());
  }
});

const settings = { perSecond: 3, burst: 10 };

async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function defineLimiterContract(label: string, url: () => string, shared: boolean, skip = false): void {
  describe.skipIf(skip)(`Notion rate limiter over ${label}`, () => {
    const opened: OpenedNotionRateLimiter[] = [];
    const open = async () => {
      const limiter = await openNotionRateLimiter(url()!, settings, {
        prefix: `${run}_${label}`,
        table: `limits_${run}`,
        sqliteOnFile: true,
      });
      opened.push(limiter);
      return limiter.limiter;
    };
    afterAll(async () => {
      for (const o of opened) await o.close();
      await opened[0]?.close(); // twice is fine
    });
    const key = () => `conn-${randomBytes(4).toString('hex')}`;

    it('lets a burst go, then asks the next call to wait at most a second; keys are apart', async () => {
      const limiter = await open();
      const k = key();
      const t0 = Date.now();
      const waits: number[] = [];
      for (let i = 0; i < settings.burst; i++) waits.push(await limiter.take(k));
      const next = await limiter.take(k);
      expect(waits).toEqual(Array(settings.burst).fill(0));
      // Only when the one-second window has not turned over meanwhile (a very slow machine).
      if (Date.now() - t0 < 900) expect(next).toBeGreaterThan(0);
      expect(next).toBeLessThanOrEqual(1_000);
      await expect(limiter.take(key())).resolves.toBe(0);
    });

    it('tells the callers it turns away to come back one after another, not all at once', async () => {
      const limiter = await open();
      const k = key();
      for (let i = 0; i < settings.burst; i++) await limiter.take(k);
      const waits: number[] = [];
      for (let i = 0; i < 6; i++) waits.push(await limiter.take(k));
      // Skipped only when a window turned over meanwhile and let one through (a very slow machine).
      if (waits.every((w) => w > 0)) {
        for (let i = 1; i < waits.length; i++)
          expect(waits[i]! - waits[i - 1]!).toBeGreaterThanOrEqual(500 / settings.perSecond - 50);
      }
    });

    it('after a block, no call goes for that key until it lapses, burst or not; a shorter block keeps the longer', async () => {
      const limiter = await open();
      const [k, other] = [key(), key()];
      await limiter.block(k, 5_000);
      expect(await limiter.take(k)).toBeGreaterThan(3_000);
      await limiter.block(k, 1_000);
      expect(await limiter.take(k)).toBeGreaterThan(2_000);
      await expect(limiter.take(other)).resolves.toBe(0);
      const brief = key();
      await limiter.block(brief, 1_000);
      expect(await limiter.take(brief)).toBeGreaterThan(0);
      await eventually(async () => (await limiter.take(brief)) === 0, 'the block to lapse');
    });

    if (shared) {
      it('is shared by the instances on one store', async () => {
        const [a, b] = [await open(), await open()];
        const [spent, blocked] = [key(), key()];
        for (let i = 0; i < settings.burst; i++) await a.take(spent);
        const t0 = Date.now();
        const next = await b.take(spent);
        if (Date.now() - t0 < 900) expect(next).toBeGreaterThan(0);
        await a.block(blocked, 5_000);
        expect(await b.take(blocked)).toBeGreaterThan(3_000);
      });
    }
  });
}

defineLimiterContract('memory', () => 'memory://', false);
defineLimiterContract('sqlite', () => `sqlite://${join(dir.path, 'limits.sqlite')}`, true);
defineLimiterContract('redis', () => redisUrl!, true, !redisUrl);
defineLimiterContract('postgres', () => postgresUrl!, true, !postgresUrl);

import type { Keyv } from 'keyv';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeKeyv, createKeyv } from '../../../src/store/keyv-factory.js';
import { KeyvLeaseStore } from '../../../src/store/keyv-lease-store.js';
import { tempDir, uniqueNamespace } from './helpers.js';
import { requireServiceInCi } from './jobs/services.js';

const redisUrl = requireServiceInCi('TEST_REDIS_URL');
const postgresUrl = requireServiceInCi('TEST_POSTGRES_URL');
let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.remove();
});

async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function defineLeaseContract(label: string, url: () => string, separate: boolean, skip = false): void {
  describe.skipIf(skip)(`lease store over ${label}`, () => {
    let a: Keyv;
    let b: Keyv;
    beforeAll(async () => {
      const namespace = uniqueNamespace(`lease-${label}`);
      a = await createKeyv(url(), { namespace });
      b = separate ? await createKeyv(url(), { namespace }) : a;
    });
    afterAll(async () => {
      await a.clear();
      await closeKeyv(a);
      if (b !== a) await closeKeyv(b);
    });

    it('one holder at a time; renew and release only by the holder', async () => {
      const [one, two] = [new KeyvLeaseStore(a), new KeyvLeaseStore(b)];
      const results = await Promise.all([one.acquire('gw', 'A', 10_000), two.acquire('gw', 'B', 10_000)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const [winner, loser] = results[0] ? (['A', 'B'] as const) : (['B', 'A'] as const);
      const store = { A: one, B: two };
      await expect(store[loser].renew('gw', loser, 10_000)).resolves.toBe(false);
      await store[loser].release('gw', loser); // not theirs: no effect
      await expect(store[loser].acquire('gw', loser, 10_000)).resolves.toBe(false);
      await expect(store[winner].renew('gw', winner, 10_000)).resolves.toBe(true);
      await expect(one.acquire('other-lease', 'A', 10_000)).resolves.toBe(true);
      await store[winner].release('gw', winner);
      await expect(store[loser].acquire('gw', loser, 10_000)).resolves.toBe(true);
    });

    it('a lapsed lease goes to another holder, and the old holder cannot renew it back', async () => {
      const [one, two] = [new KeyvLeaseStore(a), new KeyvLeaseStore(b)];
      await expect(one.acquire('lapse', 'A', 300)).resolves.toBe(true);
      await eventually(() => two.acquire('lapse', 'B', 10_000), 'the lease to lapse');
      await expect(one.renew('lapse', 'A', 10_000)).resolves.toBe(false);
      await expect(two.renew('lapse', 'B', 10_000)).resolves.toBe(true);
    });
  });
}

defineLeaseContract('memory', () => 'memory://', false);
defineLeaseContract('sqlite', () => `sqlite://${join(dir.path, 'lease.sqlite')}`, true);
defineLeaseContract('redis', () => redisUrl!, true, !redisUrl);
defineLeaseContract('postgres', () => postgresUrl!, true, !postgresUrl);

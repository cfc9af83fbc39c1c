import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { closeKeyv, createKeyv } from '../../../src/store/keyv-factory.js';
import { defineStoreContract } from './store-contract.js';

/** Set by `eval "$(bash .ci/services.sh)"`; without them these suites are skipped, except in CI. */
const redisUrl = process.env.TEST_REDIS_URL;
const postgresUrl = process.env.TEST_POSTGRES_URL;
if (process.env.CI && (!redisUrl || !postgresUrl)) {
  throw new Error(
    'CI must run the Redis and Postgres store tests: set TEST_REDIS_URL and TEST_POSTGRES_URL (eval "$(bash .ci/services.sh)")',
  );
}

describe.skipIf(!redisUrl)('redis (TEST_REDIS_URL)', () => {
  defineStoreContract({ label: 'redis', url: () => redisUrl!, separateInstances: true });
});

describe.skipIf(!postgresUrl)('postgres (TEST_POSTGRES_URL)', () => {
  defineStoreContract({ label: 'postgres', url: () => postgresUrl!, separateInstances: true });
});

describe.skipIf(!postgresUrl)('postgres connection loss', () => {
  it('survives Postgres dropping its idle connections, and the next call reconnects', async () => {
    const keyv = await createKeyv(postgresUrl!, { namespace: `loss-${Date.now()}` });
    const other = new pg.Client({ connectionString: postgresUrl });
    try {
      await keyv.set('k', 'v');
      // What a Postgres restart does to the pool's idle client: the server ends the backend.
      await other.connect();
      const { rows } = await other.query<{ ended: boolean }>(
        'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE usename = current_user AND pid <> pg_backend_pid()',
      );
      expect(rows.some((r) => r.ended)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100)); // let the idle client see the termination
      await expect(keyv.get('k')).resolves.toBe('v');
    } finally {
      await other.end();
      await closeKeyv(keyv);
    }
  });
});

import { describe } from 'vitest';
import { defineStoreContract } from './store-contract.js';

/** Set by `eval "$(bash .ci/services.sh)"`; without them these suites are skipped. */
const redisUrl = process.env.TEST_REDIS_URL;
const postgresUrl = process.env.TEST_POSTGRES_URL;

describe.skipIf(!redisUrl)('redis (TEST_REDIS_URL)', () => {
  defineStoreContract({ label: 'redis', url: () => redisUrl!, separateInstances: true });
});

describe.skipIf(!postgresUrl)('postgres (TEST_POSTGRES_URL)', () => {
  defineStoreContract({ label: 'postgres', url: () => postgresUrl!, separateInstances: false });
});

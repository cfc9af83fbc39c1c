import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { createJobCodec } from '../../../../src/store/jobs/job-codec.js';
import { PgbossSaveJobQueue } from '../../../../src/store/jobs/pgboss-save-job-queue.js';
import { createTokenCipher } from '../../../../src/store/token-cipher.js';
import { newKey } from '../helpers.js';
import { defineJobQueueContract } from './job-queue-contract.js';
import { requireServiceInCi } from './services.js';

const postgresUrl = requireServiceInCi('TEST_POSTGRES_URL');
const codec = createJobCodec(createTokenCipher([newKey()]));
/** pg-boss's schema for this run only; dropped afterwards. */
const schema = `test_jobs_${process.pid}_${randomBytes(3).toString('hex')}`;

afterAll(async () => {
  if (!postgresUrl) return;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
});

describe.skipIf(!postgresUrl)('pg-boss (TEST_POSTGRES_URL)', () => {
  defineJobQueueContract({
    label: 'postgres (pg-boss)',
    durable: true,
    open: (space, options) =>
      PgbossSaveJobQueue.open({
        ...options,
        postgresUrl: postgresUrl!,
        codec,
        schema,
        queueName: space,
        expireInSeconds: 1,
        maintenanceIntervalSeconds: 1,
        pollMs: 50,
      }),
    async dump(space) {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT * FROM ${schema}.job WHERE name = $1`, [space]);
        return JSON.stringify(rows);
      } finally {
        await client.end();
      }
    },
    closeAll: async () => undefined,
  });
});

import type { Keyv } from 'keyv';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createJobCodec } from '../../../../src/store/jobs/job-codec.js';
import { SqliteSaveJobQueue, sqliteQueryOf } from '../../../../src/store/jobs/sqlite-save-job-queue.js';
import { closeKeyv, createKeyv } from '../../../../src/store/keyv-factory.js';
import { createTokenCipher } from '../../../../src/store/token-cipher.js';
import { newKey, tempDir } from '../helpers.js';
import { defineJobQueueContract } from './job-queue-contract.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.remove();
});

const codec = createJobCodec(createTokenCipher([newKey()]));
const open: Keyv[] = [];
const file = () => `sqlite://${join(dir.path, 'jobs.sqlite')}`;

// Each instance has its own Keyv, so its own SQLite connection to the file, as a second process would.
defineJobQueueContract({
  label: 'sqlite',
  durable: true,
  async open(space, options) {
    const keyv = await createKeyv(file());
    open.push(keyv);
    return new SqliteSaveJobQueue({
      ...options,
      query: sqliteQueryOf(keyv),
      codec,
      table: space,
      leaseMs: 600,
      pollMs: 50,
    });
  },
  async dump(space) {
    const keyv = await createKeyv(file());
    try {
      return JSON.stringify(await sqliteQueryOf(keyv)(`SELECT * FROM ${space}`));
    } finally {
      await closeKeyv(keyv);
    }
  },
  async closeAll() {
    for (const keyv of open.splice(0)) await closeKeyv(keyv);
  },
});

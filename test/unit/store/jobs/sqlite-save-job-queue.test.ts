import type { Keyv } from 'keyv';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SaveJob } from '../../../../src/core/save-jobs.js';
import { createJobCodec } from '../../../../src/store/jobs/job-codec.js';
import {
  SqliteSaveJobQueue,
  sqliteQueryOf,
  type SqliteQuery,
} from '../../../../src/store/jobs/sqlite-save-job-queue.js';
import { closeKeyv, createKeyv } from '../../../../src/store/keyv-factory.js';
import { createTokenCipher } from '../../../../src/store/token-cipher.js';
import { newKey, tempDir } from '../helpers.js';

const codec = createJobCodec(createTokenCipher([newKey()]));
const job = (i: number): SaveJob => ({
  key: `save:slack:T1:U${i}:default:${i}:once:n${i}`,
  user: { platform: 'slack', teamId: 'T1', userId: `U${i}` },
  tweet: { id: String(1_000 + i) },
  replyTo: { kind: 'dm' },
  acceptedAt: new Date().toISOString(),
});

describe('SqliteSaveJobQueue.add', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let keyv: Keyv;
  let inserts: number;
  let failNextInsert: boolean;
  let query: SqliteQuery;
  const stored = async () =>
    ((await sqliteQueryOf(keyv)('SELECT key FROM jobs ORDER BY key')) as { key: string }[]).map((r) => r.key);

  beforeEach(async () => {
    dir = await tempDir();
    keyv = await createKeyv(`sqlite://${join(dir.path, 'q.sqlite')}`);
    inserts = 0;
    failNextInsert = false;
    const real = sqliteQueryOf(keyv);
    query = async (sql, ...params) => {
      if (sql.startsWith('INSERT INTO jobs')) {
        inserts++;
        if (failNextInsert) {
          failNextInsert = false;
          throw new Error('SQLITE_BUSY: database is locked');
        }
      }
      return real(sql, ...params);
    };
  });
  afterEach(async () => {
    await closeKeyv(keyv);
    await dir.remove();
  });

  it('stores a burst of concurrent adds in fewer statements, each add resolving once its row is stored', async () => {
    const queue = new SqliteSaveJobQueue({ query, codec, table: 'jobs' });
    const jobs = Array.from({ length: 60 }, (_, i) => job(i));
    const storedWhenResolved = await Promise.all(
      jobs.map((j) => queue.add(j).then(async () => (await stored()).includes(j.key))),
    );
    expect(storedWhenResolved.every(Boolean)).toBe(true);
    expect(await stored()).toEqual(jobs.map((j) => j.key).sort());
    expect(inserts).toBeLessThan(jobs.length);
    await queue.stop(0);
  });

  it('rejects the adds of a statement that failed, and stores those added after it', async () => {
    const queue = new SqliteSaveJobQueue({ query, codec, table: 'jobs' });
    await queue.add(job(0)); // creates the table
    failNextInsert = true;
    const results = await Promise.allSettled([queue.add(job(1)), queue.add(job(2)), queue.add(job(3))]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/SQLITE_BUSY/) } });
    expect(results.slice(1).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(await stored()).toEqual([job(0).key, job(2).key, job(3).key].sort());
    await queue.stop(0);
  });
});

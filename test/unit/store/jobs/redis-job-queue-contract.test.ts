import { createClient } from '@keyv/redis';
import { describe } from 'vitest';
import { BullmqSaveJobQueue } from '../../../../src/store/jobs/bullmq-save-job-queue.js';
import { createJobCodec } from '../../../../src/store/jobs/job-codec.js';
import { createTokenCipher } from '../../../../src/store/token-cipher.js';
import { newKey } from '../helpers.js';
import { defineJobQueueContract } from './job-queue-contract.js';
import { requireServiceInCi } from './services.js';

const redisUrl = requireServiceInCi('TEST_REDIS_URL');
const codec = createJobCodec(createTokenCipher([newKey()]));
const prefix = `test-jobs-${process.pid}`;
const opened: BullmqSaveJobQueue[] = [];

describe.skipIf(!redisUrl)('bullmq (TEST_REDIS_URL)', () => {
  defineJobQueueContract({
    label: 'redis (BullMQ)',
    durable: true,
    async open(space, options) {
      const queue = await BullmqSaveJobQueue.open({
        ...options,
        redisUrl: redisUrl!,
        codec,
        queueName: space,
        prefix,
        lockMs: 1_000,
        stalledIntervalMs: 300,
      });
      opened.push(queue);
      return queue;
    },
    async dump(space) {
      const client = createClient({ url: redisUrl! });
      await client.connect();
      try {
        const out: unknown[] = [];
        for await (const keys of client.scanIterator({ MATCH: `${prefix}:${space}:*`, COUNT: 100 })) {
          for (const key of keys) {
            const type = await client.type(key);
            if (type === 'hash') out.push(await client.hGetAll(key));
          }
        }
        return JSON.stringify(out);
      } finally {
        await client.close();
      }
    },
    async closeAll() {
      for (const queue of opened.splice(0)) {
        const cleaner = await BullmqSaveJobQueue.open({
          redisUrl: redisUrl!,
          codec,
          queueName: (queue as unknown as { queueName: string }).queueName,
          prefix,
        });
        await cleaner.obliterate().catch(() => undefined);
        await cleaner.stop(0);
      }
    },
  });
});

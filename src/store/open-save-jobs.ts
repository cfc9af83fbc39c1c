import type { NotionRateLimiter } from '../core/notion-rate-limit.js';
import type { SaveJobQueue } from '../core/save-jobs.js';
import type { Logger } from '../log.js';
import type { BullmqSaveJobQueueOptions } from './jobs/bullmq-save-job-queue.js';
import { createJobCodec } from './jobs/job-codec.js';
import type { JobQueueOptions } from './jobs/job-queue-options.js';
import { MemorySaveJobQueue } from './jobs/memory-save-job-queue.js';
import type { PgbossSaveJobQueueOptions } from './jobs/pgboss-save-job-queue.js';
import { SqliteSaveJobQueue, sqliteQueryOf, type SqliteSaveJobQueueOptions } from './jobs/sqlite-save-job-queue.js';
import { storeScheme } from './keyv-factory.js';
import type { OpenedStore } from './open-store.js';
import type { NotionRateSettings } from './rate-limit/flexible-notion-rate-limiter.js';
import { openNotionRateLimiter } from './rate-limit/open-notion-rate-limiter.js';

/** The slice of Config the job queue and the rate limiter need. */
export interface SaveJobsStoreConfig {
  storeUrl: string;
  /** `leaseSeconds`: SAVE_JOB_LEASE_SECONDS (default 30). */
  saveJobs: { concurrency: number; leaseSeconds?: number | undefined };
  notionRate: NotionRateSettings;
}

/** Engine settings beyond the config, for tests (short leases and polls, names of their own). */
export type SaveJobQueueTuning = JobQueueOptions &
  Partial<Pick<SqliteSaveJobQueueOptions, 'table' | 'leaseMs' | 'pollMs'>> &
  Partial<Pick<BullmqSaveJobQueueOptions, 'queueName' | 'prefix' | 'lockMs' | 'stalledIntervalMs'>> &
  Partial<Pick<PgbossSaveJobQueueOptions, 'schema' | 'expireInSeconds' | 'maintenanceIntervalSeconds'>>;

const DEFAULT_LEASE_SECONDS = 30;

/**
 * SAVE_JOB_LEASE_SECONDS in each engine's terms. Every engine renews a running job's lease while it runs (SQLite every
 * third, BullMQ at half, pg-boss every third), so the lease bounds only how long a dead instance's jobs wait: SQLite
 * takes a lapsed lease at its next poll; BullMQ's stalled check, every half lease, puts back a job whose lock lapsed;
 * pg-boss's maintenance, every half lease (at most a minute), expires it.
 */
export function leaseOptions(seconds: number) {
  return {
    sqlite: { leaseMs: seconds * 1_000 },
    bullmq: { lockMs: seconds * 1_000, stalledIntervalMs: seconds * 500 },
    pgboss: { expireInSeconds: seconds, maintenanceIntervalSeconds: Math.min(60, Math.max(1, Math.ceil(seconds / 2))) },
  } satisfies {
    sqlite: Partial<SqliteSaveJobQueueOptions>;
    bullmq: Partial<BullmqSaveJobQueueOptions>;
    pgboss: Partial<PgbossSaveJobQueueOptions>;
  };
}

/**
 * The SaveJobQueue on the store STORE_URL names: memory:// in process, sqlite:// an outbox table in the store's own
 * SQLite file (through `store.keyv`), redis:// BullMQ, postgres:// pg-boss in the `save_to_notion_jobs` schema. Reply
 * credentials are sealed with the store's token cipher. Stop it (`queue.stop(graceMs)`) before `store.close()`; it
 * closes its own connections (BullMQ, pg-boss) but not the store's.
 */
export async function openSaveJobQueue(
  config: SaveJobsStoreConfig,
  deps: { store: OpenedStore; log: Logger; tuning?: SaveJobQueueTuning | undefined },
): Promise<SaveJobQueue> {
  const log = deps.log.child({ component: 'save-jobs' });
  const tuning = deps.tuning ?? {};
  const common: JobQueueOptions = { concurrency: config.saveJobs.concurrency, ...tuning, log };
  const codec = createJobCodec(deps.store.cipher);
  const scheme = storeScheme(config.storeUrl);
  const lease = leaseOptions(config.saveJobs.leaseSeconds ?? DEFAULT_LEASE_SECONDS);
  let queue: SaveJobQueue;
  switch (scheme) {
    case 'memory':
      queue = new MemorySaveJobQueue(common);
      break;
    case 'sqlite':
      queue = new SqliteSaveJobQueue({
        ...common,
        ...lease.sqlite,
        ...tuning,
        query: sqliteQueryOf(deps.store.keyv),
        codec,
      });
      break;
    case 'redis':
    case 'rediss': {
      // Each engine is loaded only when STORE_URL names it (BullMQ and pg-boss each cost memory at rest).
      const { BullmqSaveJobQueue } = await import('./jobs/bullmq-save-job-queue.js');
      queue = await BullmqSaveJobQueue.open({
        ...common,
        ...lease.bullmq,
        ...tuning,
        redisUrl: config.storeUrl,
        codec,
      });
      break;
    }
    case 'postgres':
    case 'postgresql': {
      const { PgbossSaveJobQueue } = await import('./jobs/pgboss-save-job-queue.js');
      queue = await PgbossSaveJobQueue.open({
        schema: 'save_to_notion_jobs',
        ...common,
        ...lease.pgboss,
        ...tuning,
        postgresUrl: config.storeUrl,
        codec,
      });
      break;
    }
    default:
      throw new TypeError(`openSaveJobQueue: no job queue for ${scheme}://`);
  }
  log.info({ event: 'save_jobs.opened', store: scheme, concurrency: common.concurrency }, 'save job queue opened');
  return queue;
}

/**
 * The Notion rate limiter (NOTION_RATE_PER_SECOND, NOTION_BURST) on the same store, shared by all instances. Close
 * it after the queue is stopped.
 */
export async function openSaveRateLimiter(
  config: SaveJobsStoreConfig,
  options: { prefix?: string | undefined } = {},
): Promise<{ limiter: NotionRateLimiter; close(): Promise<void> }> {
  return openNotionRateLimiter(config.storeUrl, config.notionRate, { prefix: options.prefix ?? 'save_to_notion' });
}

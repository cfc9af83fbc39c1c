import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { createHash } from 'node:crypto';
import type { SaveJob, SaveJobHandler, SaveJobQueue, SaveQueueStats } from '../../core/save-jobs.js';
import { RetryLaterError } from '../../core/save-jobs.js';
import type { JobCodec } from './job-codec.js';
import { errorSummary, resolveJobQueueOptions, retryDelayMs, type JobQueueOptions } from './job-queue-options.js';
import { newRedisClient, type RedisClient } from './redis-client.js';

export interface BullmqSaveJobQueueOptions extends JobQueueOptions {
  redisUrl: string;
  codec: JobCodec;
  /** BullMQ queue name. */
  queueName?: string | undefined;
  /** BullMQ key prefix in Redis (its keys are `<prefix>:<queueName>:…`). */
  prefix?: string | undefined;
  /** How long a worker's lock on a running job lasts (renewed at half); a dead worker's jobs stall after it. */
  lockMs?: number | undefined;
  /** How often workers look for stalled jobs (those whose worker died) and put them back to wait. */
  stalledIntervalMs?: number | undefined;
}

interface JobData {
  /** The SaveJob, its reply credentials sealed (JobCodec). */
  payload: string;
  /** `acceptedAt` in ms, readable without decoding, for the oldest-job gauge. */
  acceptedAt: number;
}

/** A handler error is retried with backoff "for ever"; the handler gives up on its own (SAVE_GIVE_UP_AFTER_HOURS). */
const ATTEMPTS = 1_000_000;
const BACKOFF_TYPE = 'save-jitter';
/** How many delayed jobs the oldest-job gauge looks at (the delayed set is ordered by run time, not age). */
const OLDEST_SCAN = 500;

/**
 * BullMQ job ids may not contain `:` nor be all digits (those read as BullMQ's own counters): a digest of the key.
 */
export function bullmqJobId(key: string): string {
  return `s${createHash('sha256').update(key).digest('base64url')}`;
}

/**
 * redis:// — BullMQ (open-source edition) over node-redis clients (BullMQ 6 takes them; no ioredis needed). Dedup:
 * the job id is a digest of the key and completed jobs are kept `keepDoneMs`, so a re-add is ignored. RetryLaterError
 * moves just that job to the delayed set (`moveToDelayed` + DelayedError, which counts no attempt), never
 * `queue.rateLimit`, which would pause every user; other errors fail the attempt and come back after the custom
 * backoff. A worker that dies leaves its jobs' locks to lapse; the stalled check of any live worker puts them back.
 */
export class BullmqSaveJobQueue implements SaveJobQueue {
  private readonly options;
  private readonly codec: JobCodec;
  private readonly queueName: string;
  private readonly prefix: string;
  private readonly lockMs: number;
  private readonly stalledIntervalMs: number;
  private readonly clients: RedisClient[] = [];
  private queue: Queue<JobData> | undefined;
  private worker: Worker<JobData> | undefined;
  private stopping: Promise<void> | undefined;
  private active = 0;
  private readonly settledWaiters = new Set<() => void>();

  private constructor(
    private readonly redisUrl: string,
    options: BullmqSaveJobQueueOptions,
  ) {
    this.options = resolveJobQueueOptions(options);
    this.codec = options.codec;
    this.queueName = options.queueName ?? 'save-jobs';
    this.prefix = options.prefix ?? 'save-to-notion:bull';
    this.lockMs = options.lockMs ?? 30_000;
    this.stalledIntervalMs = options.stalledIntervalMs ?? 15_000;
  }

  /** Connects to Redis (failing fast when it cannot) and opens the queue. */
  static async open(options: BullmqSaveJobQueueOptions): Promise<BullmqSaveJobQueue> {
    const queue = new BullmqSaveJobQueue(options.redisUrl, options);
    try {
      const client = await queue.connect();
      queue.queue = new Queue<JobData>(queue.queueName, { connection: client, prefix: queue.prefix });
      queue.queue.on('error', (err) => queue.logError('queue', err));
      await queue.queue.waitUntilReady();
      return queue;
    } catch (err) {
      await queue.closeClients();
      throw new Error('could not open the redis job queue', { cause: err });
    }
  }

  private async connect(): Promise<RedisClient> {
    const client = newRedisClient(this.redisUrl);
    client.on('error', (err: unknown) => this.logError('redis', err));
    this.clients.push(client);
    await client.connect();
    return client;
  }

  private logError(source: string, err: unknown): void {
    this.options.log?.warn(
      { event: 'save_job.engine_error', engine: 'bullmq', source, err: errorSummary(err) },
      'job queue error',
    );
  }

  async add(job: SaveJob): Promise<void> {
    const accepted = Date.parse(job.acceptedAt);
    await this.requireQueue().add(
      'save',
      { payload: this.codec.encode(job), acceptedAt: Number.isFinite(accepted) ? accepted : Date.now() },
      {
        jobId: bullmqJobId(job.key),
        attempts: ATTEMPTS,
        backoff: { type: BACKOFF_TYPE },
        removeOnComplete: { age: Math.ceil(this.options.keepDoneMs / 1_000) },
        // Only unreadable jobs fail (UnrecoverableError); an operator has a week to look at them.
        removeOnFail: { age: 7 * 24 * 3_600 },
      },
    );
  }

  async start(handler: SaveJobHandler): Promise<void> {
    if (this.worker) throw new Error('SaveJobQueue.start: already started');
    if (this.stopping) throw new Error('SaveJobQueue.start: stopped');
    const client = await this.connect();
    this.worker = new Worker<JobData>(this.queueName, (job, token) => this.process(job, token, handler), {
      connection: client,
      prefix: this.prefix,
      concurrency: this.options.concurrency,
      lockDuration: this.lockMs,
      stalledInterval: this.stalledIntervalMs,
      // A stalled job is one whose process died: always run it again (the handler's lookup avoids a second row).
      maxStalledCount: ATTEMPTS,
      settings: { backoffStrategy: (attemptsMade: number) => retryDelayMs(attemptsMade, this.options) },
    });
    this.worker.on('error', (err) => this.logError('worker', err));
    await this.worker.waitUntilReady();
  }

  private async process(job: Job<JobData>, token: string | undefined, handler: SaveJobHandler): Promise<void> {
    let saveJob: SaveJob;
    try {
      saveJob = this.codec.decode(job.data.payload);
    } catch (err) {
      this.options.log?.error(
        { event: 'save_job.unreadable', engine: 'bullmq', err: errorSummary(err) },
        'stored save job cannot be read',
      );
      throw new UnrecoverableError('unreadable save job');
    }
    this.active++;
    try {
      await handler(saveJob, { attempt: job.attemptsStarted });
    } catch (err) {
      if (RetryLaterError.is(err)) {
        await job.moveToDelayed(Date.now() + Math.max(0, err.delayMs), token);
        throw new DelayedError();
      }
      this.options.log?.warn(
        { event: 'save_job.retry', engine: 'bullmq', attempt: job.attemptsStarted, err: errorSummary(err) },
        'save job failed; retrying',
      );
      throw err instanceof Error ? err : new Error(String(err));
    } finally {
      this.active--;
      for (const waiter of [...this.settledWaiters]) waiter();
    }
  }

  stop(graceMs = 10_000): Promise<void> {
    this.stopping ??= this.shutdown(graceMs);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<void> {
    const worker = this.worker;
    if (worker) {
      // Take no more jobs; give the running ones the grace period; then close without waiting for them: their locks
      // lapse and another worker (or the next start) runs them again.
      await worker.pause(true).catch((err: unknown) => this.logError('worker', err));
      let timer: NodeJS.Timeout | undefined;
      let check: (() => void) | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          check = () => {
            if (this.active === 0) resolve();
          };
          this.settledWaiters.add(check);
          check();
        }),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
      if (check) this.settledWaiters.delete(check);
      await worker.close(this.active > 0).catch((err: unknown) => this.logError('worker', err));
    }
    await this.queue?.close().catch((err: unknown) => this.logError('queue', err));
    await this.closeClients();
  }

  private async closeClients(): Promise<void> {
    for (const client of this.clients.splice(0)) {
      if (client.isOpen) await client.close().catch(() => client.destroy());
    }
  }

  private requireQueue(): Queue<JobData> {
    if (!this.queue || this.stopping) throw new Error('the redis job queue is stopped');
    return this.queue;
  }

  async ping(): Promise<void> {
    this.requireQueue();
    const client = this.clients[0];
    if (!client?.isReady) throw new Error('the redis job queue is not connected');
    await client.ping();
  }

  async stats(): Promise<SaveQueueStats> {
    const queue = this.requireQueue();
    const counts = await queue.getJobCounts('wait', 'prioritized', 'delayed', 'active');
    const stats: SaveQueueStats = {
      waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
      delayed: counts.delayed ?? 0,
      active: counts.active ?? 0,
    };
    const [oldestWaiting, active, delayed] = await Promise.all([
      queue.getJobs(['wait'], 0, 0, true),
      queue.getJobs(['active'], 0, OLDEST_SCAN),
      queue.getJobs(['delayed'], 0, OLDEST_SCAN),
    ]);
    let oldest: number | undefined;
    for (const job of [...oldestWaiting, ...active, ...delayed]) {
      const at = (job?.data as JobData | undefined)?.acceptedAt;
      if (typeof at === 'number' && (oldest === undefined || at < oldest)) oldest = at;
    }
    if (oldest !== undefined) stats.oldestAgeMs = Math.max(0, Date.now() - oldest);
    return stats;
  }

  async drain(): Promise<void> {
    for (;;) {
      const counts = await this.requireQueue().getJobCounts('wait', 'prioritized', 'delayed', 'active');
      if (Object.values(counts).every((n) => n === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Tests: removes every key of this queue. */
  async obliterate(): Promise<void> {
    await this.requireQueue().obliterate({ force: true });
  }
}

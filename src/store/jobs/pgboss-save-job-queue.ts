import { createHash } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { SaveJob, SaveJobHandler, SaveJobQueue, SaveQueueStats } from '../../core/save-jobs.js';
import { RetryLaterError } from '../../core/save-jobs.js';
import type { JobCodec } from './job-codec.js';
import { errorSummary, resolveJobQueueOptions, retryDelayMs, type JobQueueOptions } from './job-queue-options.js';

export interface PgbossSaveJobQueueOptions extends JobQueueOptions {
  postgresUrl: string;
  codec: JobCodec;
  /** pg-boss's own schema (created and migrated by pg-boss). */
  schema?: string | undefined;
  /** pg-boss queue name. */
  queueName?: string | undefined;
  /**
   * A job not renewed for this long counts as lost (its process died) and runs again. pg-boss 10 has no lock renewal
   * of its own: while the handler runs, this queue pushes the job's expiry on every third of this.
   */
  expireInSeconds?: number | undefined;
  /** How often pg-boss's maintenance (one instance at a time) looks for such jobs; also archives finished ones. */
  maintenanceIntervalSeconds?: number | undefined;
  /** Poll interval for jobs added by other instances and due retries (this instance's adds wake it at once). */
  pollMs?: number | undefined;
}

interface JobData {
  /** The SaveJob, its reply credentials sealed (JobCodec). */
  payload: string;
  acceptedAt: number;
  /** Runs of the previous generations of this job (see below). */
  deliveries: number;
  /** Handler errors so far, other than RetryLaterError: the backoff exponent. */
  failures: number;
  generation: number;
}

interface FetchedJob {
  id: string;
  data: JobData;
  retryCount: number;
}

interface Sql {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** pg-boss retries only jobs whose process died (expired); errors are retried by a new generation, below. */
const CRASH_RETRY_LIMIT = 1_000_000;
const SWEEP_EVERY_MS = 60_000;

/** A deterministic UUID (v5 layout) for a key and generation: pg-boss ids are UUIDs and unique per queue. */
export function pgbossJobId(key: string, generation: number): string {
  const h = createHash('sha256').update(`${key}\u0000${generation}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * postgres:// — pg-boss 10 in its own schema. pg-boss has no "run this job again at T without counting a failure", so
 * a retry is a new generation of the job: one transaction sends it with `startAfter` (the RetryLaterError delay, or
 * the jittered backoff after an error) and completes the current one; the counters travel in the job's data. pg-boss's
 * own retry (`retryLimit`, no delay) is left for jobs that expire because their process died. Dedup across
 * generations and after pg-boss archives a job: a key table beside pg-boss's, written in the same transaction as the
 * first send, and swept `keepDoneMs` after the job finished. Jobs are taken with `fetch`, as many as free slots, so a
 * slow job never holds up the rest; `stop` stops fetching, waits out the grace period, then `boss.stop`.
 */
export class PgbossSaveJobQueue implements SaveJobQueue {
  private readonly options;
  private readonly codec: JobCodec;
  private readonly schema: string;
  private readonly queueName: string;
  private readonly expireInSeconds: number;
  private readonly pollMs: number;
  private readonly keyTable: string;
  private handler: SaveJobHandler | undefined;
  private stopping: Promise<void> | undefined;
  private active = 0;
  private fetching: Promise<void> | undefined;
  private fetchAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private lastSweep = 0;
  private readonly settledWaiters = new Set<() => void>();
  /** Expiry renewals of the jobs running now (cleared on stop, as a dead process's would be). */
  private readonly renewals = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly boss: PgBoss,
    private readonly pool: pg.Pool,
    options: PgbossSaveJobQueueOptions,
  ) {
    this.options = resolveJobQueueOptions(options);
    this.codec = options.codec;
    this.schema = options.schema ?? 'pgboss';
    this.queueName = options.queueName ?? 'save-jobs';
    this.expireInSeconds = options.expireInSeconds ?? 300;
    this.pollMs = options.pollMs ?? 1_000;
    this.keyTable = `${this.schema}.save_job_key`;
  }

  /** Starts pg-boss (creating or migrating its schema), creates the queue and the key table. */
  static async open(options: PgbossSaveJobQueueOptions): Promise<PgbossSaveJobQueue> {
    const schema = options.schema ?? 'pgboss';
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new TypeError('PgbossSaveJobQueue: bad schema name');
    const keepDone = Math.max(1, Math.ceil(resolveJobQueueOptions(options).keepDoneMs / 1_000));
    const boss = new PgBoss({
      connectionString: options.postgresUrl,
      schema,
      max: 4,
      schedule: false,
      supervise: true,
      migrate: true,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
      archiveCompletedAfterSeconds: keepDone,
    });
    const pool = new pg.Pool({ connectionString: options.postgresUrl, max: 4, connectionTimeoutMillis: 10_000 });
    pool.on('error', () => undefined); // a lost idle client surfaces as the next query's error
    const queue = new PgbossSaveJobQueue(boss, pool, options);
    boss.on('error', (err) => queue.logError(err));
    try {
      await boss.start();
      await boss.createQueue(queue.queueName, {
        name: queue.queueName,
        retryLimit: CRASH_RETRY_LIMIT,
        retryDelay: 0,
        retryBackoff: false,
        expireInSeconds: queue.expireInSeconds,
      });
      await pool.query(
        `CREATE TABLE IF NOT EXISTS ${queue.keyTable} (
           queue text NOT NULL, key text NOT NULL, done_at timestamptz, PRIMARY KEY (queue, key))`,
      );
      return queue;
    } catch (err) {
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      await pool.end().catch(() => undefined);
      throw new Error('could not open the postgres job queue', { cause: err });
    }
  }

  private logError(err: unknown): void {
    this.options.log?.warn(
      { event: 'save_job.engine_error', engine: 'pg-boss', err: errorSummary(err) },
      'job queue error',
    );
  }

  /** Runs `fn` in one transaction, with a pg-boss `db` on the same connection. */
  private async transaction<T>(fn: (client: pg.PoolClient, db: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const db: Sql = { executeSql: (text, values) => client.query(text, values) as Promise<{ rows: unknown[] }> };
    try {
      await client.query('BEGIN');
      const result = await fn(client, db);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private sendOptions(id: string, db: Sql, startAfter?: Date): PgBoss.SendOptions {
    return {
      id,
      db,
      retryLimit: CRASH_RETRY_LIMIT,
      retryDelay: 0,
      retryBackoff: false,
      expireInSeconds: this.expireInSeconds,
      ...(startAfter ? { startAfter } : {}),
    };
  }

  async add(job: SaveJob): Promise<void> {
    if (this.stopping) throw new Error('the postgres job queue is stopped');
    const accepted = Date.parse(job.acceptedAt);
    const data: JobData = {
      payload: this.codec.encode(job),
      acceptedAt: Number.isFinite(accepted) ? accepted : Date.now(),
      deliveries: 0,
      failures: 0,
      generation: 0,
    };
    const added = await this.transaction(async (client, db) => {
      const { rowCount } = await client.query(
        `INSERT INTO ${this.keyTable} (queue, key) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [this.queueName, job.key],
      );
      if (rowCount === 0) return false;
      await this.boss.send(this.queueName, data, this.sendOptions(pgbossJobId(job.key, 0), db));
      return true;
    });
    if (added) this.wake();
  }

  async start(handler: SaveJobHandler): Promise<void> {
    if (this.handler) throw new Error('SaveJobQueue.start: already started');
    if (this.stopping) throw new Error('SaveJobQueue.start: stopped');
    this.handler = handler;
    this.wake();
  }

  /** Fetches as many due jobs as there are free slots (coalescing wake-ups), then schedules the next look. */
  private wake(): void {
    if (!this.handler || this.stopping) return;
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.fetching = this.fetchAndRun()
      .catch((err: unknown) => this.logError(err))
      .then(() => {
        this.fetching = undefined;
        if (this.stopping) return;
        if (this.fetchAgain) {
          this.fetchAgain = false;
          this.wake();
          return;
        }
        this.timer = setTimeout(() => this.wake(), this.pollMs);
        this.timer.unref();
      });
  }

  private async fetchAndRun(): Promise<void> {
    if (Date.now() - this.lastSweep >= SWEEP_EVERY_MS) {
      this.lastSweep = Date.now();
      await this.pool.query(
        `DELETE FROM ${this.keyTable} WHERE queue = $1 AND done_at < now() - $2 * interval '1 millisecond'`,
        [this.queueName, this.options.keepDoneMs],
      );
    }
    const free = this.options.concurrency - this.active;
    if (free <= 0) return;
    const jobs = (await this.boss.fetch<JobData>(this.queueName, {
      batchSize: free,
      includeMetadata: true,
    })) as unknown as FetchedJob[];
    if (this.stopping) {
      // stop() came while fetching: put them straight back (pg-boss's retry, no delay) rather than start them.
      if (jobs.length > 0)
        await this.boss.fail(
          this.queueName,
          jobs.map((j) => j.id),
        );
      return;
    }
    for (const job of jobs) this.run(job, this.handler!);
    if (jobs.length === free) this.fetchAgain = true;
  }

  private run(job: FetchedJob, handler: SaveJobHandler): void {
    this.active++;
    void this.deliver(job, handler)
      .catch((err: unknown) => {
        this.options.log?.error(
          { event: 'save_job.store_failed', engine: 'pg-boss', err: errorSummary(err) },
          'save job bookkeeping failed',
        );
      })
      .finally(() => {
        this.active--;
        for (const waiter of [...this.settledWaiters]) waiter();
        this.wake();
      });
  }

  private async deliver(job: FetchedJob, handler: SaveJobHandler): Promise<void> {
    let saveJob: SaveJob;
    try {
      saveJob = this.codec.decode(job.data.payload);
    } catch (err) {
      // Unreadable (an encryption key removed): retrying cannot help. Cancelled, it stays in pg-boss for an operator.
      this.options.log?.error(
        { event: 'save_job.unreadable', engine: 'pg-boss', err: errorSummary(err) },
        'stored save job cannot be read',
      );
      await this.boss.cancel(this.queueName, job.id);
      return;
    }
    const attempt = job.data.deliveries + job.retryCount + 1;
    const renewal = this.renewWhileRunning(job);
    try {
      await handler(saveJob, { attempt });
    } catch (err) {
      let delayMs: number;
      let failures = job.data.failures;
      if (RetryLaterError.is(err)) {
        delayMs = Math.max(0, err.delayMs);
      } else {
        failures++;
        delayMs = retryDelayMs(failures, this.options);
        this.options.log?.warn(
          { event: 'save_job.retry', engine: 'pg-boss', attempt, delayMs, err: errorSummary(err) },
          'save job failed; retrying',
        );
      }
      const next: JobData = { ...job.data, deliveries: attempt, failures, generation: job.data.generation + 1 };
      await this.transaction(async (_client, db) => {
        const done = (await this.boss.complete(
          this.queueName,
          job.id,
          { next: next.generation },
          { db },
        )) as unknown as { affected: number };
        // No longer ours (it expired and another run took it): that run carries on; sending a generation would fork it.
        if (done.affected !== 1) return;
        await this.boss.send(
          this.queueName,
          next,
          this.sendOptions(pgbossJobId(saveJob.key, next.generation), db, new Date(Date.now() + delayMs)),
        );
      });
      return;
    } finally {
      this.stopRenewal(renewal);
    }
    await this.transaction(async (client, db) => {
      const done = (await this.boss.complete(this.queueName, job.id, {}, { db })) as unknown as { affected: number };
      if (done.affected !== 1) return;
      await client.query(`UPDATE ${this.keyTable} SET done_at = now() WHERE queue = $1 AND key = $2`, [
        this.queueName,
        saveJob.key,
      ]);
    });
  }

  /**
   * Keeps this run's job from expiring while the handler runs: every third of `expireInSeconds` its expiry is set to
   * that long from now. Only this run's (`retry_count` is bumped by every fetch): once the job expired and another run
   * took it, this one renews nothing. A missed renewal only risks a second run, which the handler tolerates (the
   * attempt marker and the row lookup).
   */
  private renewWhileRunning(job: FetchedJob): NodeJS.Timeout {
    const renewal: NodeJS.Timeout = setInterval(
      () => {
        this.pool
          .query(
            `UPDATE ${this.schema}.job SET expire_in = (now() - started_on) + $4 * interval '1 second'
           WHERE name = $1 AND id = $2 AND state = 'active' AND retry_count = $3`,
            [this.queueName, job.id, job.retryCount, this.expireInSeconds],
          )
          .then(({ rowCount }) => {
            if (rowCount === 0 && this.renewals.has(renewal))
              this.options.log?.warn(
                { event: 'save_job.lease_lost', engine: 'pg-boss' },
                'a running save job expired before its renewal; it may run twice',
              );
          })
          .catch((err: unknown) => this.logError(err));
      },
      Math.max(100, Math.floor((this.expireInSeconds * 1_000) / 3)),
    );
    renewal.unref();
    this.renewals.add(renewal);
    return renewal;
  }

  private stopRenewal(renewal: NodeJS.Timeout): void {
    clearInterval(renewal);
    this.renewals.delete(renewal);
  }

  stop(graceMs = 10_000): Promise<void> {
    this.stopping ??= this.shutdown(graceMs);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<void> {
    clearTimeout(this.timer);
    await this.fetching;
    if (this.active > 0) {
      // Jobs still running after the grace period stay active in pg-boss and expire (`expireInSeconds`) for another
      // instance or the next start: failing them now could start a second run while this one still reaches Notion.
      let timer: NodeJS.Timeout | undefined;
      let check: (() => void) | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          check = () => {
            if (this.active === 0) resolve();
          };
          this.settledWaiters.add(check);
        }),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
      if (check) this.settledWaiters.delete(check);
    }
    // What still runs after the grace period is left to expire for another instance, as if this process had died.
    for (const renewal of this.renewals) clearInterval(renewal);
    this.renewals.clear();
    // No pg-boss workers run here (jobs are fetched), so there is nothing for its own grace period to wait for.
    await this.boss.stop({ graceful: false, wait: true, close: true }).catch((err: unknown) => this.logError(err));
    await this.pool.end().catch(() => undefined);
  }

  async ping(): Promise<void> {
    if (this.stopping) throw new Error('the postgres job queue is stopped');
    await this.pool.query('SELECT 1');
  }

  async stats(): Promise<SaveQueueStats> {
    if (this.stopping) throw new Error('the postgres job queue is stopped');
    const { rows } = await this.pool.query<{ waiting: string; delayed: string; active: string; oldest: string | null }>(
      `SELECT
         COUNT(*) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now()) AS waiting,
         COUNT(*) FILTER (WHERE state IN ('created', 'retry') AND start_after > now()) AS delayed,
         COUNT(*) FILTER (WHERE state = 'active') AS active,
         MIN((data ->> 'acceptedAt')::bigint) AS oldest
       FROM ${this.schema}.job WHERE name = $1 AND state < 'completed'`,
      [this.queueName],
    );
    const row = rows[0]!;
    const stats: SaveQueueStats = {
      waiting: Number(row.waiting),
      delayed: Number(row.delayed),
      active: Number(row.active),
    };
    if (row.oldest !== null) stats.oldestAgeMs = Math.max(0, Date.now() - Number(row.oldest));
    return stats;
  }

  async drain(): Promise<void> {
    for (;;) {
      const s = await this.stats();
      if (s.waiting + s.delayed + s.active === 0 && this.active === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

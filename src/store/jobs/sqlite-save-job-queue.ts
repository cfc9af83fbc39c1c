import type { Keyv } from 'keyv';
import { randomBytes } from 'node:crypto';
import type { JobDelivery, SaveJob, SaveJobHandler, SaveJobQueue, SaveQueueStats } from '../../core/save-jobs.js';
import { RetryLaterError } from '../../core/save-jobs.js';
import { withOwnLogContext } from '../../log.js';
import type { JobCodec } from './job-codec.js';
import { errorSummary, resolveJobQueueOptions, retryDelayMs, type JobQueueOptions } from './job-queue-options.js';

/** Runs one statement on the SQLite connection, with `?` parameters; resolves with the rows it returns. */
export type SqliteQuery = (sql: string, ...params: unknown[]) => Promise<unknown[]>;

/** The statement runner of the Keyv store's own SQLite connection (@keyv/sqlite), so the outbox lives in its file. */
export function sqliteQueryOf(keyv: Keyv): SqliteQuery {
  const store = keyv.store as { query?: SqliteQuery };
  if (typeof store.query !== 'function') throw new TypeError('sqliteQueryOf: the Keyv store is not @keyv/sqlite');
  return (sql, ...params) => store.query!.call(keyv.store, sql, ...params);
}

export interface SqliteSaveJobQueueOptions extends JobQueueOptions {
  query: SqliteQuery;
  codec: JobCodec;
  /** Outbox table name (letters, digits, `_`). */
  table?: string | undefined;
  /** How long a claim holds a job; renewed every third of it while the handler runs. A killed process's jobs are
   * taken again once it lapses. */
  leaseMs?: number | undefined;
  /** Poll interval for jobs added by other processes on the same file, lapsed leases and due retries. */
  pollMs?: number | undefined;
}

interface ClaimedRow {
  key: string;
  payload: string;
  attempts: number;
  failures: number;
  lock_token: string;
}

const SWEEP_EVERY_MS = 60_000;
/** Rows in one INSERT of added jobs at most (5 parameters each, far below SQLite's limit). */
const ADD_BATCH_MAX = 200;

/**
 * sqlite:// — an outbox table in the same SQLite file as the Keyv store: the one-instance default. A row is claimed
 * by one UPDATE … RETURNING (a single statement is one SQLite transaction, so two connections on the file never
 * claim the same row) that sets a lease (`locked_until`); `run_at` holds retry delays; `key` is the primary key, so a
 * second add of a key is ignored while the row exists. Finished rows drop their payload at once and are swept after
 * `keepDoneMs`. Polls every `pollMs`, and wakes at once when this process adds a job or a delay ends.
 */
export class SqliteSaveJobQueue implements SaveJobQueue {
  private readonly options;
  private readonly query: SqliteQuery;
  private readonly codec: JobCodec;
  private readonly table: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly instance = randomBytes(6).toString('hex');
  private ready: Promise<void> | undefined;
  private handler: SaveJobHandler | undefined;
  private stopped = false;
  private active = 0;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private lastSweep = 0;
  private readonly settledWaiters = new Set<() => void>();
  /** Lease renewals of the jobs running now. */
  private readonly renewals = new Set<NodeJS.Timeout>();
  /** Jobs added while an INSERT runs, for the next one (see insertAdded). */
  private readonly adding: { row: unknown[]; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private inserting = false;

  constructor(options: SqliteSaveJobQueueOptions) {
    this.options = resolveJobQueueOptions(options);
    this.query = options.query;
    this.codec = options.codec;
    this.table = options.table ?? 'save_jobs';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.table)) throw new TypeError('SqliteSaveJobQueue: bad table name');
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 1_000;
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      const t = this.table;
      await this.query(`CREATE TABLE IF NOT EXISTS ${t} (
        key TEXT PRIMARY KEY,
        payload TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued',
        run_at INTEGER NOT NULL,
        locked_until INTEGER,
        lock_token TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        accepted_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        finished_at INTEGER)`);
      await this.query(`CREATE INDEX IF NOT EXISTS ${t}_due ON ${t} (state, run_at)`);
    })();
    this.ready.catch(() => {
      this.ready = undefined; // try again on the next call
    });
    return this.ready;
  }

  async add(job: SaveJob): Promise<void> {
    await this.init();
    const now = Date.now();
    const accepted = Date.parse(job.acceptedAt);
    const row = [job.key, this.codec.encode(job), now, Number.isFinite(accepted) ? accepted : now, now];
    await new Promise<void>((resolve, reject) => {
      this.adding.push({ row, resolve, reject });
      this.insertAdded();
    });
    this.wake();
  }

  /**
   * Group commit: while one INSERT of added jobs runs, the jobs added meanwhile wait and go in the next one, a single
   * statement (so a single transaction) for all of them. Each `add` resolves once its own row is committed, as
   * before; under load a burst of saves costs one commit instead of one each (issue 13), and alone a job goes at once.
   */
  private insertAdded(): void {
    if (this.inserting || this.adding.length === 0) return;
    this.inserting = true;
    const batch = this.adding.splice(0, ADD_BATCH_MAX);
    this.query(
      `INSERT INTO ${this.table} (key, payload, run_at, accepted_at, created_at)
       VALUES ${batch.map(() => '(?, ?, ?, ?, ?)').join(', ')} ON CONFLICT(key) DO NOTHING`,
      ...batch.flatMap((a) => a.row),
    )
      .then(
        () => batch.forEach((a) => a.resolve()),
        (err: unknown) => batch.forEach((a) => a.reject(err)),
      )
      .finally(() => {
        this.inserting = false;
        this.insertAdded();
      });
  }

  async start(handler: SaveJobHandler): Promise<void> {
    if (this.handler) throw new Error('SaveJobQueue.start: already started');
    if (this.stopped) throw new Error('SaveJobQueue.start: stopped');
    await this.init();
    this.handler = handler;
    this.wake();
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    if (this.active === 0) return;
    let timer: NodeJS.Timeout | undefined;
    // Jobs still running after the grace period keep their lease, which lapses for the next start or another
    // process: releasing it now could let a second run start while this one still reaches Notion.
    await Promise.race([
      this.until(() => this.active === 0),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    for (const renewal of this.renewals) clearInterval(renewal);
    this.renewals.clear();
  }

  async ping(): Promise<void> {
    await this.init();
    await this.query(`SELECT 1 FROM ${this.table} LIMIT 1`);
  }

  async stats(): Promise<SaveQueueStats> {
    await this.init();
    const now = Date.now();
    const [row] = (await this.query(
      `SELECT
         COALESCE(SUM(CASE WHEN locked_until > ? THEN 1 ELSE 0 END), 0) AS active,
         COALESCE(SUM(CASE WHEN (locked_until IS NULL OR locked_until <= ?) AND run_at <= ? THEN 1 ELSE 0 END), 0) AS waiting,
         COALESCE(SUM(CASE WHEN (locked_until IS NULL OR locked_until <= ?) AND run_at > ? THEN 1 ELSE 0 END), 0) AS delayed,
         MIN(accepted_at) AS oldest
       FROM ${this.table} WHERE state = 'queued'`,
      now,
      now,
      now,
      now,
      now,
    )) as { active: number; waiting: number; delayed: number; oldest: number | null }[];
    const stats: SaveQueueStats = { waiting: row!.waiting, delayed: row!.delayed, active: row!.active };
    if (row!.oldest !== null) stats.oldestAgeMs = Math.max(0, now - row!.oldest);
    return stats;
  }

  async drain(): Promise<void> {
    await this.init();
    for (;;) {
      const [row] = (await this.query(`SELECT COUNT(*) AS n FROM ${this.table} WHERE state = 'queued'`)) as {
        n: number;
      }[];
      if (row!.n === 0 && this.active === 0) return;
      // Woken when a job of this process settles; otherwise (other processes' jobs) look again shortly.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.settledWaiters.add(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(this.pollMs, 200)))),
      ]);
      clearTimeout(timer);
    }
  }

  private until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        this.settledWaiters.delete(check);
        resolve();
      };
      this.settledWaiters.add(check);
    });
  }

  private settled(): void {
    for (const waiter of [...this.settledWaiters]) {
      this.settledWaiters.delete(waiter);
      waiter();
    }
  }

  /** Claims and runs due jobs now (coalescing concurrent wake-ups), then schedules the next look. */
  private wake(): void {
    if (!this.handler || this.stopped) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    clearTimeout(this.timer);
    // Woken by a request's add: the poll and the jobs it starts are not that request's work (each job logs its own).
    this.ticking = withOwnLogContext({}, () => this.tick())
      .catch((err: unknown) => {
        this.options.log?.warn(
          { event: 'save_job.poll_failed', engine: 'sqlite', err: errorSummary(err) },
          'save job poll failed',
        );
        return this.pollMs;
      })
      .then((nextMs) => {
        this.ticking = undefined;
        if (this.stopped) return;
        if (this.tickAgain) {
          this.tickAgain = false;
          this.wake();
          return;
        }
        this.timer = setTimeout(() => this.wake(), Math.max(10, Math.min(this.pollMs, nextMs)));
        this.timer.unref();
      });
  }

  /** One look at the table; resolves with how soon the next one is due. */
  private async tick(): Promise<number> {
    const now = Date.now();
    if (now - this.lastSweep >= SWEEP_EVERY_MS) {
      this.lastSweep = now;
      await this.query(
        `DELETE FROM ${this.table} WHERE state <> 'queued' AND finished_at < ?`,
        now - this.options.keepDoneMs,
      );
    }
    const free = this.options.concurrency - this.active;
    if (free > 0) {
      const token = `${this.instance}.${randomBytes(6).toString('hex')}`;
      const rows = (await this.query(
        `UPDATE ${this.table} SET locked_until = ?, lock_token = ?, attempts = attempts + 1
         WHERE key IN (SELECT key FROM ${this.table}
                       WHERE state = 'queued' AND run_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
                       ORDER BY run_at, created_at LIMIT ?)
         RETURNING key, payload, attempts, failures, lock_token`,
        now + this.leaseMs,
        token,
        now,
        now,
        free,
      )) as ClaimedRow[];
      if (this.stopped) {
        // stop() came while claiming: hand the rows straight back rather than start them.
        await this.query(`UPDATE ${this.table} SET locked_until = NULL, lock_token = NULL WHERE lock_token = ?`, token);
        return this.pollMs;
      }
      for (const row of rows) this.run(row, this.handler!);
    }
    // Every slot busy: a settling job wakes the next look.
    if (this.active >= this.options.concurrency) return this.pollMs;
    const [next] = (await this.query(
      `SELECT MIN(CASE WHEN locked_until > run_at THEN locked_until ELSE run_at END) AS at
       FROM ${this.table} WHERE state = 'queued'`,
    )) as { at: number | null }[];
    return next?.at == null ? this.pollMs : next.at - Date.now();
  }

  private run(row: ClaimedRow, handler: SaveJobHandler): void {
    this.active++;
    const renew = setInterval(
      () => {
        void this.query(
          `UPDATE ${this.table} SET locked_until = ? WHERE key = ? AND lock_token = ?`,
          Date.now() + this.leaseMs,
          row.key,
          row.lock_token,
        ).catch(() => undefined); // a missed renewal only risks a second run, which the handler tolerates
      },
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );
    renew.unref();
    this.renewals.add(renew);
    void this.deliver(row, handler)
      .catch((err: unknown) => {
        this.options.log?.error(
          { event: 'save_job.store_failed', engine: 'sqlite', err: errorSummary(err) },
          'save job bookkeeping failed',
        );
      })
      .finally(() => {
        clearInterval(renew);
        this.renewals.delete(renew);
        this.active--;
        this.settled();
        this.wake();
      });
  }

  private async deliver(row: ClaimedRow, handler: SaveJobHandler): Promise<void> {
    let job: SaveJob;
    try {
      job = this.codec.decode(row.payload);
    } catch (err) {
      // Unreadable (an encryption key removed, a foreign row): retrying cannot help; keep the row for an operator.
      this.options.log?.error(
        { event: 'save_job.unreadable', engine: 'sqlite', err: errorSummary(err) },
        'stored save job cannot be read',
      );
      await this.query(
        `UPDATE ${this.table} SET state = 'dead', finished_at = ?, locked_until = NULL, lock_token = NULL WHERE key = ? AND lock_token = ?`,
        Date.now(),
        row.key,
        row.lock_token,
      );
      return;
    }
    const delivery: JobDelivery = { attempt: row.attempts };
    try {
      await handler(job, delivery);
    } catch (err) {
      let delayMs: number;
      let failed = 0;
      if (RetryLaterError.is(err)) {
        delayMs = Math.max(0, err.delayMs);
      } else {
        failed = 1;
        delayMs = retryDelayMs(row.failures + 1, this.options);
        this.options.log?.warn(
          { event: 'save_job.retry', engine: 'sqlite', attempt: row.attempts, delayMs, err: errorSummary(err) },
          'save job failed; retrying',
        );
      }
      await this.query(
        `UPDATE ${this.table} SET run_at = ?, failures = failures + ?, locked_until = NULL, lock_token = NULL
         WHERE key = ? AND lock_token = ?`,
        Date.now() + delayMs,
        failed,
        row.key,
        row.lock_token,
      );
      return;
    }
    // The payload (with the sealed reply credentials) is dropped now; the key alone keeps a re-add out.
    await this.query(
      `UPDATE ${this.table} SET state = 'done', payload = '', finished_at = ?, locked_until = NULL, lock_token = NULL
       WHERE key = ? AND lock_token = ?`,
      Date.now(),
      row.key,
      row.lock_token,
    );
  }
}

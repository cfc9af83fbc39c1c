import type { JobDelivery, SaveJob, SaveJobHandler, SaveJobQueue, SaveQueueStats } from '../../core/save-jobs.js';
import { RetryLaterError } from '../../core/save-jobs.js';
import { errorSummary, resolveJobQueueOptions, retryDelayMs, type JobQueueOptions } from './job-queue-options.js';

type State = 'waiting' | 'delayed' | 'active' | 'done';

interface Entry {
  job: SaveJob;
  state: State;
  /** Deliveries so far (JobDelivery.attempt of the last run). */
  attempts: number;
  /** Handler errors other than RetryLaterError: the backoff exponent. */
  failures: number;
  seq: number;
  timer?: NodeJS.Timeout | undefined;
}

/**
 * memory:// — the in-process SaveJobQueue for tests and the one-process sandbox. Same contract as the durable engines
 * (dedup by key, RetryLaterError delays, backoff with jitter for other errors, stop with a grace period), except that
 * nothing outlives the process. Jobs pass through JSON on `add`, as a durable engine would store them, so a
 * non-serialisable job fails here too. Timers come from the global clock, so vitest fake timers drive it.
 */
export class MemorySaveJobQueue implements SaveJobQueue {
  private readonly options;
  private readonly entries = new Map<string, Entry>();
  private readonly doneTimers = new Set<NodeJS.Timeout>();
  private handler: SaveJobHandler | undefined;
  private stopped = false;
  private active = 0;
  private seq = 0;
  private readonly settledWaiters = new Set<() => void>();

  constructor(options: JobQueueOptions = {}) {
    this.options = resolveJobQueueOptions(options);
  }

  async add(job: SaveJob): Promise<void> {
    if (this.entries.has(job.key)) return;
    const stored = JSON.parse(JSON.stringify(job)) as SaveJob;
    this.entries.set(job.key, { job: stored, state: 'waiting', attempts: 0, failures: 0, seq: this.seq++ });
    this.pump();
  }

  async start(handler: SaveJobHandler): Promise<void> {
    if (this.handler) throw new Error('SaveJobQueue.start: already started');
    if (this.stopped) throw new Error('SaveJobQueue.start: stopped');
    this.handler = handler;
    this.pump();
  }

  async stop(graceMs = 10_000): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      for (const entry of this.entries.values()) clearTimeout(entry.timer);
      for (const timer of this.doneTimers) clearTimeout(timer);
    }
    if (this.active === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.until(() => this.active === 0),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
  }

  async ping(): Promise<void> {
    if (this.stopped) throw new Error('the memory job queue is stopped');
  }

  async stats(): Promise<SaveQueueStats> {
    const stats: SaveQueueStats = { waiting: 0, delayed: 0, active: 0 };
    let oldest: number | undefined;
    for (const { job, state } of this.entries.values()) {
      if (state === 'done') continue;
      stats[state]++;
      const accepted = Date.parse(job.acceptedAt);
      if (Number.isFinite(accepted) && (oldest === undefined || accepted < oldest)) oldest = accepted;
    }
    if (oldest !== undefined) stats.oldestAgeMs = Math.max(0, Date.now() - oldest);
    return stats;
  }

  drain(): Promise<void> {
    return this.until(() => [...this.entries.values()].every((e) => e.state === 'done'));
  }

  /** Resolves once `condition` holds; checked now and after every job settles. */
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
    for (const check of [...this.settledWaiters]) check();
  }

  private pump(): void {
    if (!this.handler || this.stopped) return;
    while (this.active < this.options.concurrency) {
      let next: Entry | undefined;
      for (const entry of this.entries.values()) {
        if (entry.state === 'waiting' && (next === undefined || entry.seq < next.seq)) next = entry;
      }
      if (!next) return;
      this.run(next, this.handler);
    }
  }

  private run(entry: Entry, handler: SaveJobHandler): void {
    entry.state = 'active';
    entry.attempts++;
    this.active++;
    const delivery: JobDelivery = { attempt: entry.attempts };
    void Promise.resolve()
      .then(() => handler(structuredClone(entry.job), delivery))
      .then(
        () => this.finish(entry),
        (err: unknown) => this.retry(entry, err),
      )
      .finally(() => {
        this.active--;
        this.settled();
        this.pump();
      });
  }

  private finish(entry: Entry): void {
    entry.state = 'done';
    const timer = setTimeout(() => {
      this.doneTimers.delete(timer);
      if (this.entries.get(entry.job.key) === entry) this.entries.delete(entry.job.key);
    }, this.options.keepDoneMs);
    timer.unref();
    this.doneTimers.add(timer);
  }

  private retry(entry: Entry, err: unknown): void {
    let delayMs: number;
    if (RetryLaterError.is(err)) {
      delayMs = Math.max(0, err.delayMs);
    } else {
      entry.failures++;
      delayMs = retryDelayMs(entry.failures, this.options);
      this.options.log?.warn(
        { event: 'save_job.retry', engine: 'memory', attempt: entry.attempts, delayMs, err: errorSummary(err) },
        'save job failed; retrying',
      );
    }
    entry.state = 'delayed';
    if (this.stopped) return;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      entry.state = 'waiting';
      this.pump();
    }, delayMs);
    entry.timer.unref();
  }
}

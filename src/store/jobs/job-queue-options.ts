import type { Logger } from '../../log.js';

/** Settings every SaveJobQueue engine takes; each has a default fit for production. */
export interface JobQueueOptions {
  /** Jobs run at once by this instance (SAVE_WORKER_CONCURRENCY). Notion's per-token limiter, not this, paces users. */
  concurrency?: number | undefined;
  /** First retry after a handler error waits about this long; each further failure doubles it, up to `retryMaxMs`. */
  retryBaseMs?: number | undefined;
  retryMaxMs?: number | undefined;
  /** A finished job's key is remembered this long, so a second `add` of it (a platform retry) is ignored. */
  keepDoneMs?: number | undefined;
  /** Random source for the jitter (tests pin it). */
  random?: (() => number) | undefined;
  log?: Logger | undefined;
}

export const JOB_QUEUE_DEFAULTS = {
  concurrency: 64,
  retryBaseMs: 1_000,
  retryMaxMs: 5 * 60_000,
  keepDoneMs: 60 * 60_000,
} as const;

export type ResolvedJobQueueOptions = Required<Omit<JobQueueOptions, 'log'>> & { log?: Logger | undefined };

export function resolveJobQueueOptions(options: JobQueueOptions): ResolvedJobQueueOptions {
  return {
    concurrency: options.concurrency ?? JOB_QUEUE_DEFAULTS.concurrency,
    retryBaseMs: options.retryBaseMs ?? JOB_QUEUE_DEFAULTS.retryBaseMs,
    retryMaxMs: options.retryMaxMs ?? JOB_QUEUE_DEFAULTS.retryMaxMs,
    keepDoneMs: options.keepDoneMs ?? JOB_QUEUE_DEFAULTS.keepDoneMs,
    random: options.random ?? Math.random,
    log: options.log,
  };
}

/**
 * Wait before the next run after the `failures`-th handler error: exponential, capped, with "equal jitter" (half
 * fixed, half random) so many jobs failing together in an outage do not come back together.
 */
export function retryDelayMs(
  failures: number,
  options: Pick<ResolvedJobQueueOptions, 'retryBaseMs' | 'retryMaxMs' | 'random'>,
): number {
  const exp = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return Math.round(exp / 2 + (exp / 2) * options.random());
}

/** What a log line may say about a handler's error: its name, code and message, never the job's reply credentials. */
export function errorSummary(err: unknown): { name: string; code?: string; message: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, ...(typeof code === 'string' ? { code } : {}), message: err.message };
  }
  return { name: 'NonError', message: String(err) };
}

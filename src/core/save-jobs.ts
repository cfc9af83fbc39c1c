import type { Tweet } from '../tweets/tweet.js';
import type { ChatUser } from './chat-user.js';

/**
 * How the result of an acknowledged save reaches the user. `slack_response_url` is valid for 30 minutes and 5 uses,
 * a Discord interaction token for 15 minutes; after that (or for `dm`) the adapter's notifier writes a DM. Both are
 * credentials: an engine stores them encrypted and they never appear in logs.
 */
export type ReplyTo =
  /** `replaceOriginal`: the answer replaces the message the request came from (a "Save again" click). */
  | { kind: 'slack_response_url'; url: string; expiresAt: string; replaceOriginal?: boolean | undefined }
  | { kind: 'discord_interaction'; applicationId: string; token: string; expiresAt: string }
  /** `inReplyTo`: Slack, the thread to answer in; Discord, the message to reply to. */
  | { kind: 'dm'; channelId?: string | undefined; inReplyTo?: string | undefined };

/**
 * One acknowledged save, as data: what a durable queue stores before the platform is answered. Serialisable (JSON);
 * no closures. Kept saves (also those kept by older versions) replay as jobs with `replyTo: { kind: 'dm' }`.
 */
export interface SaveJob {
  /**
   * Idempotency key: platform, team, user, table, tweet, plus a nonce for "Save again". A second `add` of a key that
   * is waiting, running or done recently is ignored, and the write it stands for reaches Notion at most once.
   */
  key: string;
  user: ChatUser;
  tweet: Tweet;
  /** `/save-tweet <link> to <name>`: this save only goes to that table. */
  tableName?: string | undefined;
  /** "Save again": the table of the row it repeats (a Notion data source id). */
  dataSourceId?: string | undefined;
  /** "Save again": skip the duplicate guard. */
  force?: boolean | undefined;
  /** The sender's own words next to the link (the row's note); the rich tweet itself is fetched at write time. */
  comment?: string | undefined;
  /** `#tags` typed after the link. */
  tags?: string[] | undefined;
  /** `/save-thread`: the author's whole chain in one row. */
  thread?: boolean | undefined;
  replyTo: ReplyTo;
  /** ISO time the platform was acknowledged; the give-up clock (SAVE_GIVE_UP_AFTER_HOURS) starts here. */
  acceptedAt: string;
  /**
   * Set on a replayed kept save: when it was kept (the key's nonce). Such a job is answered by DM, without the
   * "queued" note, and not at all when it is kept again (it is still waiting, as the user was told); its
   * `acceptedAt` is the replay's.
   */
  keptAt?: string | undefined;
  /** The request that accepted the job (HTTP request or Discord interaction): the job's log lines name it. */
  requestId?: string | undefined;
}

/** A replayed kept save (see `keptAt`). */
export const isReplay = (job: Pick<SaveJob, 'keptAt'>): boolean => job.keptAt !== undefined;

/** What the handler learns about this delivery of a job. */
export interface JobDelivery {
  /** 1 on the first run; higher after a retry, a delay or a crash of the process that ran it before. */
  attempt: number;
}

/**
 * The one registered save handler. Resolving means the job is finished (saved, or answered for good). Throwing
 * {@link RetryLaterError} asks the engine to run the job again later; any other error is retried with the engine's
 * backoff. The handler itself decides when to give up (it knows `acceptedAt`).
 */
export type SaveJobHandler = (job: SaveJob, delivery: JobDelivery) => Promise<void>;

/** Run this job again no earlier than `delayMs` from now. A rate limit is not a failure: the job only waits. */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
  constructor(
    readonly delayMs: number,
    readonly reason: 'rate_limited' | 'unavailable',
  ) {
    super(`retry in ${Math.round(delayMs)} ms (${reason})`);
  }

  static is(err: unknown): err is RetryLaterError {
    return err instanceof RetryLaterError;
  }
}

/** Queue figures for /readyz and /metrics. */
export interface SaveQueueStats {
  /** Ready to run now. */
  waiting: number;
  /** Waiting for a retry time or a rate limit. */
  delayed: number;
  active: number;
  /** Age of the oldest job not yet finished, from its `acceptedAt`; undefined when there is none. */
  oldestAgeMs?: number | undefined;
}

/**
 * Where acknowledged saves wait for Notion. Implemented on BullMQ (redis://), pg-boss (postgres://), an outbox table
 * in the SQLite file (sqlite://) and in process (memory://). Delivery is at least once: a job whose process died is
 * run again by another instance or after the restart.
 */
export interface SaveJobQueue {
  /** Stores the job durably; resolves once it is stored (before the platform is acknowledged). */
  add(job: SaveJob): Promise<void>;
  /** Registers the one handler and starts taking jobs (also those left by a previous run). Call once. */
  start(handler: SaveJobHandler): Promise<void>;
  /**
   * Stops taking jobs, lets running ones finish for up to `graceMs`, and leaves the rest stored for the next start or
   * another instance. Safe to call twice and before `start`.
   */
  stop(graceMs?: number): Promise<void>;
  /** Throws when the engine's backing store cannot be reached (readiness). */
  ping(): Promise<void>;
  stats(): Promise<SaveQueueStats>;
  /** Resolves when no job is waiting, delayed or running (tests and the sandbox). */
  drain(): Promise<void>;
}

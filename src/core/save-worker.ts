import type { Logger } from '../log.js';
import { resolveTweet } from '../tweets/resolve-tweet.js';
import type { Tweet } from '../tweets/tweet.js';
import type { AccessLost } from './access-lost.js';
import { buildTweetRow } from './build-tweet-row.js';
import { chatUserKey, type ChatUser } from './chat-user.js';
import { setPendingMark } from './connection-writes.js';
import type { NotionConnection, SaveTarget } from './connection.js';
import type { Discover } from './discover-target.js';
import {
  DomainError,
  errorCode,
  NotionAccessRevokedError,
  NotionRateLimitedError,
  NotionTargetGoneError,
  StoreDecryptError,
} from './errors.js';
import { keepSave, saveToKeepOf } from './kept-saves.js';
import type { NotionRateLimiter } from './notion-rate-limit.js';
import type { SaveOutcome, TargetStatus } from './outcomes.js';
import { allChoices, findTableByName, sameId, toSaveTarget, unusableStatus } from './pick-target.js';
import type {
  ClaimStore,
  ConnectionStore,
  NotionGateway,
  PendingSaves,
  SavedRecord,
  SaveIndex,
  TableCandidate,
  TweetProviders,
} from './ports.js';
import { RetryLaterError } from './save-jobs.js';
import { tweetKey } from './tweet-key.js';
import type { WithAccess } from './with-access.js';

/** One save as the worker runs it: a queued {@link QueuedSaveJob} carries `key` and `acceptedAt`. */
export interface SaveJob {
  /** The job's idempotency key: its "attempt started" marker makes a second delivery look for its row first. */
  key?: string | undefined;
  /** When the platform was acknowledged: a row found by a second delivery was created after this. */
  acceptedAt?: string | undefined;
  /** A replayed kept save: when it was kept. A replay stored again after a crash is a later job of the same key. */
  keptAt?: string | undefined;
  tweet: Tweet;
  /** `/save-tweet <link> to <name>`: this save only goes to that table. */
  tableName?: string | undefined;
  /** "Save again": this save goes to the table of the row it repeats. */
  dataSourceId?: string | undefined;
  /** "Save again": skip the duplicate guard. */
  force?: boolean | undefined;
  /** The sender's own words next to the link: the row's note (and its text when no source has the tweet's). */
  comment?: string | undefined;
  /** `#tags` typed after the link. */
  tags?: string[] | undefined;
  /** `/save-thread`: the author's whole chain in one row. */
  thread?: boolean | undefined;
}

export interface SaveWorkerDeps {
  connections: ConnectionStore;
  notion: NotionGateway;
  saveIndex: SaveIndex;
  pendingSaves: PendingSaves;
  claims: ClaimStore;
  /** Fetches the rich tweet at write time (FxTwitter, oEmbed, … as TWEET_PROVIDERS says). */
  tweetProviders: TweetProviders;
  log: Logger;
  now: () => Date;
  withAccess: WithAccess;
  discover: Discover;
  /** Its `withLiveConnection` runs the save; again with a connection stored meanwhile, or keeps it for the reconnect when Notion refuses the stored one. */
  lost: AccessLost;
  /** A save just landed with a connection marked as having kept saves: replay them (in the background). */
  replayKept(user: ChatUser): void;
  newConnectLink(user: ChatUser): Promise<{ url: string }>;
  /** Every Notion call of a save takes a slot for its connection first; a denial delays the job. Default: always allow. */
  limiter?: NotionRateLimiter | undefined;
}

/** How much of a thread's text the save index keeps. */
const INDEXED_TEXT_MAX = 4000;

/** The limiter key of a connection: its bot id (one per Notion connection), never the token. */
const limiterKey = (conn: NotionConnection) => `notion:${conn.botId}`;

/** How long the "attempt started" marker of a job is kept: longer than any job lives (SAVE_GIVE_UP_AFTER_HOURS). */
const ATTEMPT_MARK_MS = 15 * 24 * 60 * 60_000;
/** A save of the same tweet running on another instance (or a crashed one's claim) is looked at again after this. */
const OTHER_INSTANCE_RETRY_MS = 5_000;

/** A claim outlives a crashed worker by this much at most. */
/** Longer than one write takes (the SDK times out after 15 s): a crashed process holds it this long at most. */
const SAVING_CLAIM_MS = 30_000;
const OTHER_INSTANCE_POLLS = 20;
const OTHER_INSTANCE_POLL_MS = 250;

/** A save that cannot go anywhere yet, and why; `ready` never gets here (it has a target). `save` keeps it. */
const needsTable = (status: TargetStatus): SaveOutcome =>
  status.kind === 'ready' ? { kind: 'failed', reason: 'internal' } : { kind: 'needs_table', status, kept: false };

/** What "Already saved" says about a row saved before (or by a save that ran at the same time). */
const alreadySaved = (row: { pageUrl: string; pageId: string; table: string; tweet: Tweet }): SaveOutcome => ({
  kind: 'already_saved',
  pageUrl: row.pageUrl,
  pageId: row.pageId,
  table: row.table,
  tweet: row.tweet,
});

/**
 * What a save learns from the index: the row of an earlier save ("Already saved"), or, for a job delivered again,
 * the row its own earlier run wrote, which is this save's result ("Saved"): the user sent it once.
 */
function fromIndex(record: SavedRecord, job: SaveJob): SaveOutcome {
  if (!job.key || record.jobKey !== job.key) return alreadySaved(record);
  return {
    kind: 'saved',
    pageUrl: record.pageUrl,
    pageId: record.pageId,
    table: record.table,
    tweet: record.tweet,
    textMissing: !record.tweet.text,
  };
}

type Written = {
  saved: { pageUrl: string; pageId: string; target: SaveTarget; tweet: Tweet; threadLength?: number | undefined };
};

/** The Notion side of a save: runs behind the queue, after the platform was answered. Never throws. */
export function createSaveWorker(deps: SaveWorkerDeps) {
  const { connections, notion, log, saveIndex } = deps;

  /**
   * `withAccess` behind the shared per-connection rate limiter: a denial throws RetryLaterError (the job waits,
   * freeing its worker slot for other users), and a 429 blocks the connection for its Retry-After on every instance.
   */
  const withAccess: WithAccess = (user, conn, call) =>
    deps.withAccess(user, conn, async (token, using) => {
      const limiter = deps.limiter;
      if (!limiter) return call(token, using);
      const waitMs = await limiter.take(limiterKey(using));
      if (waitMs > 0) throw new RetryLaterError(waitMs, 'rate_limited');
      try {
        return await call(token, using);
      } catch (err) {
        if (err instanceof NotionRateLimitedError)
          await limiter.block(limiterKey(using), (err.retryAfterSeconds ?? 1) * 1000).catch(() => undefined);
        throw err;
      }
    });
  /** Saves of the same tweet to the same table in this process share one write. */
  const inFlight = new Map<string, { jobKey: string | undefined; task: Promise<SaveOutcome> }>();

  /** The rich tweet from the providers, the chat message or the words; the row and what the index remembers. */
  async function complete(job: SaveJob) {
    const resolved = await resolveTweet(deps.tweetProviders, job.tweet, { words: job.comment, thread: job.thread });
    const row = buildTweetRow(job.tweet, resolved, { comment: job.comment, tags: job.tags }, deps.now());
    const t = resolved.tweet;
    // What the save index keeps (for replies, Undo and Save again): a thread's text only in part.
    const text =
      job.thread && row.text.length > INDEXED_TEXT_MAX ? `${row.text.slice(0, INDEXED_TEXT_MAX)}…` : row.text;
    const tweet: Tweet = {
      ...job.tweet,
      handle: row.handle === 'unknown' ? job.tweet.handle : row.handle,
      text: text || undefined,
    };
    if (t.authorName ?? job.tweet.authorName) tweet.authorName = t.authorName ?? job.tweet.authorName;
    return {
      row,
      tweet: Object.fromEntries(Object.entries(tweet).filter(([, v]) => v !== undefined)) as Tweet,
      source: resolved.source,
    };
  }

  /** The shared tables now, for a save that names its table. */
  const listTables = (user: ChatUser, conn: NotionConnection) =>
    withAccess(user, conn, (token) => notion.listTables(token));

  /** A named table as a target, or its column help when it cannot take a tweet. */
  function fit(
    conn: NotionConnection,
    table: TableCandidate,
  ): { conn: NotionConnection; target: SaveTarget } | SaveOutcome {
    if (!table.mapping) return needsTable(unusableStatus(table));
    return { conn, target: toSaveTarget({ ...table, mapping: table.mapping }) };
  }

  /** Where this save goes, or the outcome that explains why it cannot go anywhere yet. */
  async function resolveTarget(
    user: ChatUser,
    conn: NotionConnection,
    job: SaveJob,
  ): Promise<{ conn: NotionConnection; target: SaveTarget } | SaveOutcome> {
    if (job.dataSourceId && !sameId(job.dataSourceId, conn.target?.dataSourceId)) {
      const { conn: current, value: tables } = await listTables(user, conn);
      const table = tables.find((t) => sameId(t.dataSourceId, job.dataSourceId));
      return table ? fit(current, table) : { kind: 'not_found' };
    }
    if (job.tableName) {
      const { conn: current, value: tables } = await listTables(user, conn);
      const table = findTableByName(tables, job.tableName);
      return table ? fit(current, table) : { kind: 'unknown_table', name: job.tableName, tables: allChoices(tables) };
    }
    if (conn.target) return { conn, target: conn.target };
    const found = await deps.discover(user, conn);
    if (found.status.kind !== 'ready' || !found.conn.target) return needsTable(found.status);
    return { conn: found.conn, target: found.conn.target };
  }

  /**
   * Notion refused a row for `target` (unshared, deleted, or its columns changed): look once more.
   * A table that still exists is kept, with its current columns or, when it cannot take a tweet, its
   * column help (the next save works once the column is added). Only a default target that is gone
   * is replaced by discovery; a table the save named must not be swapped for another.
   */
  async function refit(
    user: ChatUser,
    conn: NotionConnection,
    target: SaveTarget,
    job: SaveJob,
    err: unknown,
  ): Promise<{ conn: NotionConnection; target: SaveTarget } | SaveOutcome> {
    log.info({ event: 'save.rediscover', platform: user.platform }, 'cached table no longer fits; looking again');
    if (job.tableName || job.dataSourceId) {
      const { conn: current, value: tables } = await listTables(user, conn);
      const table = tables.find((t) => sameId(t.dataSourceId, target.dataSourceId));
      if (!table) throw err;
      return fit(current, table);
    }
    const again = await deps.discover(
      user,
      { ...conn, target: undefined },
      { preferredId: target.dataSourceId, keepPreferred: true },
    );
    if (again.status.kind !== 'ready' || !again.conn.target) return needsTable(again.status);
    return { conn: again.conn, target: again.conn.target };
  }

  async function write(
    user: ChatUser,
    conn: NotionConnection,
    target: SaveTarget,
    job: SaveJob,
  ): Promise<Written | SaveOutcome> {
    const { row, tweet } = await complete(job);
    // The connection the last call ran with: a refresh inside `create` replaced the tokens of `conn`,
    // and the look that follows a refused row must not start from the refused ones.
    let current = conn;
    const create = async (c: NotionConnection, t: SaveTarget): Promise<Written> => {
      const { value: page } = await withAccess(user, c, async (token, using) => {
        current = using;
        const found = await findEarlierAttempt(token, t, tweet, job);
        if (found) return found;
        return notion.createRow(token, t, row);
      });
      const threadLength = row.body && row.body.length > 1 ? row.body.length : undefined;
      return {
        saved: { pageUrl: page.url, pageId: page.pageId, target: t, tweet, ...(threadLength ? { threadLength } : {}) },
      };
    };
    try {
      return await create(conn, target);
    } catch (err) {
      if (!(err instanceof NotionTargetGoneError)) throw err;
      const again = await refit(user, current, target, job, err);
      return 'kind' in again ? again : create(again.conn, again.target);
    }
  }

  /**
   * Exactly once: the first delivery of a job marks "attempt started" before its first write. A delivery that finds
   * the mark set (the process running it died, or the write's answer was lost) looks for the row in the table before
   * writing: a row for this tweet created since the job was accepted is the one that attempt wrote.
   */
  async function findEarlierAttempt(token: string, target: SaveTarget, tweet: Tweet, job: SaveJob) {
    if (!job.key || !job.acceptedAt) return undefined;
    if (await deps.claims.claim(`attempt:${job.key}`, ATTEMPT_MARK_MS)) return undefined;
    // A replay's first job may have been accepted before this one (see `keptAt`): its row is newer than the keep.
    const found = await notion.findRowByTweet(token, target, tweet, job.keptAt ?? job.acceptedAt);
    log.info(
      { event: 'save.attempt_resumed', found: Boolean(found) },
      found ? 'row of an earlier attempt found' : 'no row of an earlier attempt',
    );
    return found;
  }

  /** Another instance holds the claim: wait briefly for its row to appear in the index. */
  async function awaitOtherInstance(
    user: ChatUser,
    dataSourceId: string,
    key: string,
    job: SaveJob,
  ): Promise<SaveOutcome> {
    for (let i = 0; i < OTHER_INSTANCE_POLLS; i++) {
      await new Promise((resolve) => setTimeout(resolve, OTHER_INSTANCE_POLL_MS));
      const record = await saveIndex.find(user, dataSourceId, key);
      if (record) return fromIndex(record, job);
    }
    // A queued job waits rather than answering "in progress": the claim may be a crashed process's, and the job must land.
    if (job.key) throw new RetryLaterError(OTHER_INSTANCE_RETRY_MS, 'unavailable');
    return { kind: 'in_progress' };
  }

  /** Writes the row once per (user, table, tweet), however many saves of it arrive together. */
  async function saveOnce(
    user: ChatUser,
    conn: NotionConnection,
    target: SaveTarget,
    job: SaveJob,
  ): Promise<SaveOutcome> {
    // A thread is a row of its own, beside the row of its linked tweet alone.
    const key = job.thread ? `thread:${tweetKey(job.tweet)}` : tweetKey(job.tweet);
    if (!job.force) {
      const record = await saveIndex.find(user, target.dataSourceId, key);
      if (record) return fromIndex(record, job);
    }
    const lockKey = `saving:${chatUserKey(user)}:${target.dataSourceId}:${key}`;
    const running = inFlight.get(lockKey);
    if (running) {
      const first = await running.task;
      // The same job twice in this process (delivered again while its first run still went on) shares the answer.
      const sameJob = job.key !== undefined && running.jobKey === job.key;
      return first.kind === 'saved' && !sameJob ? alreadySaved(first) : first;
    }
    const task = (async (): Promise<SaveOutcome> => {
      if (!(await deps.claims.claim(lockKey, SAVING_CLAIM_MS)))
        return awaitOtherInstance(user, target.dataSourceId, key, job);
      try {
        const written = await write(user, conn, target, job);
        if (!('saved' in written)) return written;
        const { saved } = written;
        await saveIndex.remember(user, {
          pageId: saved.pageId,
          pageUrl: saved.pageUrl,
          dataSourceId: saved.target.dataSourceId,
          table: saved.target.title,
          tweetKey: key,
          tweet: saved.tweet,
          savedAt: deps.now().toISOString(),
          ...(job.key ? { jobKey: job.key } : {}),
        });
        log.info(
          { event: 'save.saved', platform: user.platform, textFetched: Boolean(saved.tweet.text) },
          'tweet saved',
        );
        return {
          kind: 'saved',
          pageUrl: saved.pageUrl,
          pageId: saved.pageId,
          table: saved.target.title,
          tweet: saved.tweet,
          textMissing: !saved.tweet.text,
          ...(saved.threadLength ? { threadLength: saved.threadLength } : {}),
        };
      } finally {
        await deps.claims.release(lockKey).catch(() => undefined);
      }
    })();
    inFlight.set(lockKey, { jobKey: job.key, task });
    try {
      return await task;
    } finally {
      inFlight.delete(lockKey);
    }
  }

  /** One try of the save with `conn`; NotionAccessRevokedError (also for a dead `conn`) is for withLiveConnection. */
  async function attempt(user: ChatUser, conn: NotionConnection, job: SaveJob): Promise<SaveOutcome> {
    // Dead: keep the save without asking Notion, unless a live connection was stored meanwhile.
    if (conn.lostAccessAt) throw new NotionAccessRevokedError({ refusedAccessToken: conn.accessToken });
    const resolved = await resolveTarget(user, conn, job);
    if ('kind' in resolved) return resolved;
    const outcome = await saveOnce(user, resolved.conn, resolved.target, job);
    // Only a save that landed shows a table works now; replaying before would only keep the kept saves again.
    const landed = outcome.kind === 'saved' || outcome.kind === 'already_saved';
    if (landed && (conn.pendingSince || resolved.conn.pendingSince)) deps.replayKept(user);
    return outcome;
  }

  /**
   * No table can take the tweet yet: it waits with the saves kept for a reconnect, and the mark on
   * the connection makes the next ready table (a pick, a created table, a save once the column
   * exists) replay it. The list is added to before the mark is set, so a replay that clears the
   * mark meanwhile has either taken this save or leaves the mark for the next one.
   */
  async function keepForTable(
    user: ChatUser,
    job: SaveJob,
    outcome: Extract<SaveOutcome, { kind: 'needs_table' }>,
  ): Promise<SaveOutcome> {
    const at = deps.now().toISOString();
    try {
      await keepSave(deps, user, saveToKeepOf(job), at);
      await setPendingMark(connections, user, at);
      log.info(
        { event: 'save.kept_for_table', platform: user.platform, status: outcome.status.kind },
        'save kept until a table can take it',
      );
      return { ...outcome, kept: true };
    } catch (err) {
      log.warn({ event: 'save.keep_failed', platform: user.platform, code: errorCode(err) }, 'could not keep the save');
      return outcome;
    }
  }

  function failure(user: ChatUser, err: unknown): SaveOutcome {
    const code = errorCode(err);
    const fields = { event: 'save.failed', platform: user.platform, code };
    if (err instanceof NotionRateLimitedError) {
      log.warn(fields, 'Notion rate limit outlived retries');
      return { kind: 'rate_limited', retryAfterSeconds: err.retryAfterSeconds };
    }
    if (err instanceof StoreDecryptError) return { kind: 'failed', reason: 'store_unreadable' };
    if (err instanceof NotionTargetGoneError || DomainError.is(err, 'notion_rejected')) {
      log.warn({ ...fields, err: (err as Error).message }, 'Notion rejected the row');
      return { kind: 'failed', reason: 'notion_rejected' };
    }
    if (DomainError.is(err, 'notion_unavailable')) {
      log.warn(fields, 'Notion unavailable');
      return { kind: 'failed', reason: 'notion_unavailable' };
    }
    log.error({ ...fields, err }, 'save failed unexpectedly');
    return { kind: 'failed', reason: 'internal' };
  }

  return {
    async save(user: ChatUser, job: SaveJob): Promise<SaveOutcome> {
      try {
        const conn = await connections.get(user);
        if (!conn) return { kind: 'not_connected', connectUrl: (await deps.newConnectLink(user)).url };
        const ran = await deps.lost.withLiveConnection(user, conn, (c) => attempt(user, c, job), {
          keep: saveToKeepOf(job),
        });
        if (ran.kind === 'done')
          return ran.value.kind === 'needs_table' ? keepForTable(user, job, ran.value) : ran.value;
        const connectUrl = (await deps.newConnectLink(user)).url;
        return ran.kind === 'lost'
          ? { kind: 'reconnect', connectUrl, kept: true }
          : { kind: 'not_connected', connectUrl };
      } catch (err) {
        if (RetryLaterError.is(err)) throw err;
        // A queued job meets a store or network error that is no verdict on the save (SQLITE_BUSY, a dropped
        // connection): the handler makes it wait rather than tell the user it failed.
        if (job.key && !(err instanceof DomainError)) throw err;
        return failure(user, err);
      }
    },
  };
}

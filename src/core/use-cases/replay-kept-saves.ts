import { setNewest } from '../bounded-map.js';
import { chatUserKey, type ChatUser } from '../chat-user.js';
import { clearPendingMark, setPendingMark } from '../connection-writes.js';
import { releaseKept } from '../kept-saves.js';
import type { SaveOutcome } from '../outcomes.js';
import { RetryLaterError } from '../save-jobs.js';
import type { SaveJob } from '../save-worker.js';
import type { UseCaseContext } from './context.js';
import type { SaveRequest } from './save-tweet.js';

/** See `fromStatus`. */
const STATUS_REPLAY_EVERY_MS = 5 * 60_000;
const STATUS_REPLAY_USERS = 5_000;

/**
 * How kept saves run: `run` is the save worker (it may throw RetryLaterError when the save must wait); `enqueue`
 * stores such a save as a job of its own, answered by DM, so waiting never loses it.
 */
export interface KeptSaveRunner {
  run(user: ChatUser, job: SaveJob): Promise<SaveOutcome>;
  enqueue(user: ChatUser, request: SaveRequest): Promise<void>;
}

/**
 * Saves that waited (for a reconnect, or for a table) land once a target is ready; the user hears
 * the results. A save that still cannot land (its table lacks a column, access is lost again) is
 * kept again by the worker and not reported: it is still waiting. The mark on the connection is
 * cleared before the list is taken, so a save kept meanwhile sets it again rather than being
 * forgotten; it is put back when the list cannot be taken.
 */
export function createReplayKeptSaves(ctx: UseCaseContext, runner: KeptSaveRunner) {
  const { connections, log, now } = ctx;
  /** Users whose kept saves this process is replaying now: one replay at a time each. */
  const replaying = new Set<string>();

  async function replay(user: ChatUser): Promise<void> {
    const key = chatUserKey(user);
    if (replaying.has(key)) return;
    replaying.add(key);
    try {
      await clearPendingMark(connections, user);
      let pending;
      try {
        pending = await ctx.pendingSaves.takeAll(user);
      } catch (err) {
        await setPendingMark(connections, user, now().toISOString()).catch(() => undefined);
        throw err;
      }
      if (pending.length === 0) return;
      await releaseKept(ctx.claims, user, pending);
      const outcomes: SaveOutcome[] = [];
      for (const save of pending) {
        // Entries kept before `dataSourceId` and `force` existed replay as they did then.
        const job: SaveJob = {
          tweet: save.tweet,
          tableName: save.tableName,
          dataSourceId: save.dataSourceId,
          force: save.force,
          comment: save.comment,
          tags: save.tags,
          thread: save.thread,
        };
        try {
          outcomes.push(await runner.run(user, job));
        } catch (err) {
          if (!RetryLaterError.is(err)) throw err;
          await runner.enqueue(user, job);
        }
      }
      const settled = outcomes.filter((o) => !((o.kind === 'needs_table' || o.kind === 'reconnect') && o.kept));
      log.info(
        {
          event: 'save.replayed',
          platform: user.platform,
          count: outcomes.length,
          waiting: outcomes.length - settled.length,
        },
        'kept saves replayed',
      );
      if (settled.length > 0) await ctx.notifierFor(user)?.notifyPendingSaved(user, settled);
    } finally {
      replaying.delete(key);
    }
  }

  function inBackground(user: ChatUser): void {
    ctx.track(
      replay(user).catch((err: unknown) =>
        log.warn({ event: 'save.replay_failed', err: (err as Error).message }, 'replay failed'),
      ),
    );
  }

  /**
   * A status look (Home tab, /notion-connect) replays kept saves at most once per user every few
   * minutes: a save that still cannot land is kept again each time, and every attempt costs Notion
   * requests the user's own saves need. Picks, created tables, reconnects and saves replay at once.
   */
  const statusReplayAt = new Map<string, number>();
  function fromStatus(user: ChatUser): void {
    const key = chatUserKey(user);
    const at = now().getTime();
    const last = statusReplayAt.get(key);
    if (last !== undefined && at - last < STATUS_REPLAY_EVERY_MS) return;
    setNewest(statusReplayAt, key, at, STATUS_REPLAY_USERS);
    inBackground(user);
  }

  return { replay, inBackground, fromStatus };
}

/** See {@link createReplayKeptSaves}. */
export type ReplayKeptSaves = ReturnType<typeof createReplayKeptSaves>;

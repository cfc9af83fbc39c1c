import { setNewest } from '../bounded-map.js';
import { chatUserKey, type ChatUser } from '../chat-user.js';
import { clearPendingMark } from '../connection-writes.js';
import type { PendingSave } from '../ports.js';
import type { SaveJob } from '../save-jobs.js';
import type { UseCaseContext } from './context.js';
import { saveJobKey } from './save-tweet.js';

/** See `fromStatus`. */
const STATUS_REPLAY_EVERY_MS = 5 * 60_000;
const STATUS_REPLAY_USERS = 5_000;

/** Stores a job in the save queue as is: a replay passes no fair-use guard (those are for what users type). */
export type AddJob = (job: SaveJob) => Promise<void>;

/**
 * A kept save as the job that replays it, answered by DM. Its key comes from the entry alone (its `queuedAt` is the
 * nonce), so a replay that stores it again (after a crash before the list was deleted) adds the same key, which the
 * queue ignores, or whose "attempt started" mark finds the row already written. Entries kept before `dataSourceId`
 * and `force` existed replay as they did then.
 */
export function keptSaveJob(user: ChatUser, save: PendingSave, acceptedAt: string): SaveJob {
  const request = {
    tweet: save.tweet,
    tableName: save.tableName,
    dataSourceId: save.dataSourceId,
    force: save.force,
    comment: save.comment,
    tags: save.tags,
    thread: save.thread,
  };
  return {
    ...request,
    key: saveJobKey(user, request, `kept.${save.queuedAt}`),
    user,
    replyTo: { kind: 'dm' },
    acceptedAt,
    keptAt: save.queuedAt,
  };
}

/**
 * Saves that waited (for a reconnect, or for a table) replay as save jobs once a target may be ready; each is
 * answered like any save (a save still unable to land is kept again by the worker and not reported: it is still
 * waiting). Nothing acknowledged is lost: the list is deleted only after every job is stored, and the mark on the
 * connection is cleared only after that, under the list's lease, so a save kept meanwhile (added after the lease,
 * marked after the add) sets it again rather than being forgotten. A failure or a crash before the delete leaves the
 * list and the mark for the next replay, which stores the same keys again.
 */
export function createReplayKeptSaves(ctx: UseCaseContext, addJob: AddJob) {
  const { connections, log, now } = ctx;
  /** Users whose kept saves this process is replaying now: one replay at a time each. */
  const replaying = new Set<string>();

  async function replay(user: ChatUser): Promise<void> {
    const key = chatUserKey(user);
    if (replaying.has(key)) return;
    replaying.add(key);
    try {
      const acceptedAt = now().toISOString();
      const replayed = await ctx.pendingSaves.takeAll(
        user,
        async (saves) => {
          // Each save's kept claim stays held until its job ends (the job releases it), so the same tweet sent
          // meanwhile is not kept a second time; a job that cannot land yet keeps its save again under it.
          for (const save of saves) await addJob(keptSaveJob(user, save, acceptedAt));
        },
        () => clearPendingMark(connections, user),
      );
      if (replayed.length === 0) return;
      log.info(
        { event: 'save.replayed', platform: user.platform, count: replayed.length },
        'kept saves stored as jobs',
      );
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

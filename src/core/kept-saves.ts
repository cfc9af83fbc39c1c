import { chatUserKey, type ChatUser } from './chat-user.js';
import { notionIdKey } from './pick-target.js';
import type { ClaimStore, PendingSave, PendingSaves } from './ports.js';
import { isReplay, type SaveJob } from './save-jobs.js';
import { tweetKey } from './tweet-key.js';

/** A save to keep, before it is given its `queuedAt`. */
export type KeptSave = Omit<PendingSave, 'queuedAt'>;

type KeptJobFields = Pick<SaveJob, 'tweet' | 'tableName' | 'dataSourceId' | 'force' | 'comment' | 'tags' | 'thread'>;

/**
 * What a kept save remembers of a job: all of it (older entries lack the later fields); its kept claim is made of
 * these too, so a replayed job releases the claim its entry was kept under.
 */
export const keptFieldsOf = (job: KeptJobFields): KeptSave => ({
  tweet: job.tweet,
  tableName: job.tableName,
  dataSourceId: job.dataSourceId,
  force: job.force,
  ...(job.comment !== undefined ? { comment: job.comment } : {}),
  ...(job.tags !== undefined ? { tags: job.tags } : {}),
  ...(job.thread ? { thread: true } : {}),
});

/** A job's save to keep when it cannot land now; `claimHeld` for a replayed one (see {@link keepSave}). */
export interface SaveToKeep {
  save: KeptSave;
  claimHeld: boolean;
}

export const saveToKeepOf = (job: KeptJobFields & Pick<SaveJob, 'keptAt'>): SaveToKeep => ({
  save: keptFieldsOf(job),
  claimHeld: isReplay(job),
});

/** As long as the pending-saves store keeps a backlog nobody replays. */
const KEPT_CLAIM_MS = 30 * 24 * 60 * 60_000;

/**
 * One claim per kept save: the same tweet for the same table (and the same "Save again") is kept
 * once however often it is sent while it waits, so the replay does not write it twice. A claim is
 * used rather than a look at the list because the list can only be taken whole, and claims are
 * decided once across instances. It is held from the keep until the job that replays the save ends
 * (see {@link releaseKept}), so the same tweet sent during a replay is not kept a second time.
 */
function keptClaim(user: ChatUser, save: KeptSave): string {
  const table = save.dataSourceId
    ? `ds:${notionIdKey(save.dataSourceId)}`
    : save.tableName
      ? `name:${save.tableName.trim().toLowerCase()}`
      : 'default';
  return `kept:${chatUserKey(user)}:${tweetKey(save.tweet)}:${table}:${save.force ? 'again' : 'once'}${save.thread ? ':thread' : ''}`;
}

/**
 * Keeps the save for a replay, as queued at `queuedAt`, unless the same save already waits. Returns how many saves
 * wait now, or undefined when it was kept before (the list is not read for a count then). The caller marks the
 * connection (`pendingSince`) so a replay looks at the list. `claimHeld`: the save is a replayed one that still cannot
 * land; it holds its claim since it was first kept, and is kept again under it.
 */
export async function keepSave(
  deps: { claims: ClaimStore; pendingSaves: PendingSaves },
  user: ChatUser,
  keep: SaveToKeep,
  queuedAt: string,
): Promise<number | undefined> {
  const save: PendingSave = { ...keep.save, queuedAt };
  if (keep.claimHeld) return deps.pendingSaves.add(user, save);
  const key = keptClaim(user, save);
  if (!(await deps.claims.claim(key, KEPT_CLAIM_MS))) return undefined;
  try {
    return await deps.pendingSaves.add(user, save);
  } catch (err) {
    // Not kept after all: the next try must be able to keep it.
    await deps.claims.release(key).catch(() => undefined);
    throw err;
  }
}

/** The job replaying a kept save has ended (landed, answered for good, given up): the tweet may be kept anew. */
export async function releaseKept(claims: ClaimStore, user: ChatUser, saves: readonly KeptSave[]): Promise<void> {
  await Promise.all(saves.map((save) => claims.release(keptClaim(user, save)).catch(() => undefined)));
}

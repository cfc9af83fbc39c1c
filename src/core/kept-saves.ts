import { chatUserKey, type ChatUser } from './chat-user.js';
import { notionIdKey } from './pick-target.js';
import type { ClaimStore, PendingSave, PendingSaves } from './ports.js';
import { tweetKey } from './tweet-key.js';

/** As long as the pending-saves store keeps a backlog nobody replays. */
const KEPT_CLAIM_MS = 30 * 24 * 60 * 60_000;

/**
 * One claim per kept save: the same tweet for the same table (and the same "Save again") is kept
 * once however often it is sent while it waits, so the replay does not write it twice. A claim is
 * used rather than a look at the list because the list can only be taken whole, and claims are
 * decided once across instances.
 */
function keptClaim(user: ChatUser, save: Omit<PendingSave, 'queuedAt'>): string {
  const table = save.dataSourceId
    ? `ds:${notionIdKey(save.dataSourceId)}`
    : save.tableName
      ? `name:${save.tableName.trim().toLowerCase()}`
      : 'default';
  return `kept:${chatUserKey(user)}:${tweetKey(save.tweet)}:${table}:${save.force ? 'again' : 'once'}${save.thread ? ':thread' : ''}`;
}

/**
 * Keeps `save` for a replay, unless the same save already waits. Returns how many saves wait now,
 * or undefined when it was kept before (the list is not read for a count then). The caller marks
 * the connection (`pendingSince`) so a replay looks at the list.
 */
export async function keepSave(
  deps: { claims: ClaimStore; pendingSaves: PendingSaves },
  user: ChatUser,
  save: PendingSave,
): Promise<number | undefined> {
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

/** The saves were taken for a replay: each may be kept again if it cannot land yet. */
export async function releaseKept(claims: ClaimStore, user: ChatUser, saves: PendingSave[]): Promise<void> {
  await Promise.all(saves.map((save) => claims.release(keptClaim(user, save)).catch(() => undefined)));
}

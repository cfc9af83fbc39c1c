import type { ChatUser } from './chat-user.js';
import type { NotionConnection, SaveTarget, TokenGrant } from './connection.js';
import type { ConnectionStore } from './ports.js';

/*
 * Writes that change one part of a stored connection. Each re-reads the record and changes that
 * part of what is stored now, never writing back a copy read earlier: a copy taken before a refresh
 * or a reconnect elsewhere would put back tokens Notion no longer accepts. The read and the write
 * run under the connection's lock (`ConnectionStore.withLock`), so a reconnect or a refresh on
 * another instance cannot land between them and be overwritten.
 */

/**
 * Makes `target` the connection's table. Nothing is written when the connection was removed or now
 * belongs to another workspace (the user disconnected or reconnected elsewhere meanwhile).
 * Returns the connection to go on with.
 */
export function storeTarget(
  connections: ConnectionStore,
  user: ChatUser,
  from: NotionConnection,
  target: SaveTarget,
): Promise<NotionConnection> {
  return connections.withLock(user, async () => {
    const stored = await connections.get(user);
    if (!stored || stored.workspaceId !== from.workspaceId) return { ...from, target };
    const next = { ...stored, target };
    await connections.set(user, next);
    return next;
  });
}

/**
 * Stores the tokens a refresh of `from` returned. A refresh that worked means `from`'s installation
 * holds the newest tokens (Notion's refresh kills the older ones), so they replace the stored ones
 * and any mark of lost access. Nothing is written, and undefined returned, when the connection was
 * removed or belongs to another installation now (a disconnect or a reconnect meanwhile).
 */
export function storeRefreshed(
  connections: ConnectionStore,
  user: ChatUser,
  from: NotionConnection,
  grant: TokenGrant,
): Promise<NotionConnection | undefined> {
  return connections.withLock(user, async () => {
    const stored = await connections.get(user);
    if (!stored || stored.botId !== from.botId) return undefined;
    const { lostAccessAt: _lost, reconnectPromptedAt: _prompted, ...alive } = stored;
    const refreshToken = grant.refreshToken ?? from.refreshToken;
    const next: NotionConnection = { ...alive, accessToken: grant.accessToken, refreshToken };
    await connections.set(user, next);
    return next;
  });
}

/** Forgets that saves may be waiting (they were taken for a replay). */
export function clearPendingMark(connections: ConnectionStore, user: ChatUser): Promise<void> {
  return connections.withLock(user, async () => {
    const stored = await connections.get(user);
    if (!stored?.pendingSince) return;
    const { pendingSince: _since, ...rest } = stored;
    await connections.set(user, rest);
  });
}

/** Notes that saves may be waiting, unless the record already says so. */
export function setPendingMark(connections: ConnectionStore, user: ChatUser, at: string): Promise<void> {
  return connections.withLock(user, async () => {
    const stored = await connections.get(user);
    if (!stored || stored.pendingSince) return;
    await connections.set(user, { ...stored, pendingSince: at });
  });
}

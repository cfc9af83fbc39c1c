import type { Logger } from '../log.js';
import { chatUserKey, type ChatUser } from './chat-user.js';
import { storeRefreshed } from './connection-writes.js';
import type { NotionConnection } from './connection.js';
import { DomainError, NotionAccessRevokedError } from './errors.js';
import type { ConnectionStore, NotionGateway } from './ports.js';

/**
 * A Notion call made with a connection's token. `call` also gets the connection whose token it
 * runs with, so a caller whose call fails for another reason knows which one to go on with.
 */
export type WithAccess = <T>(
  user: ChatUser,
  conn: NotionConnection,
  call: (token: string, conn: NotionConnection) => Promise<T>,
) => Promise<{ conn: NotionConnection; value: T }>;

/**
 * Runs a Notion call and, when Notion answers 401, looks for a token that works before giving up:
 * 1. a token stored since `conn` was read (another save refreshed, or the user reconnected);
 * 2. the refresh grant, one at a time per user in this process: Notion's refresh rotates the
 *    tokens, so a second refresh with the same refresh token is refused and a blind one would
 *    throw away the pair the first just stored;
 * 3. after a refused refresh, once more a token stored meanwhile (another instance refreshed).
 * Gives up with a NotionAccessRevokedError naming the refused token, so the caller marks the
 * connection dead only while it still holds that token.
 */
export function createWithAccess(deps: {
  connections: ConnectionStore;
  notion: NotionGateway;
  log: Logger;
}): WithAccess {
  const { connections, notion, log } = deps;
  const refreshing = new Map<string, Promise<NotionConnection | undefined>>();

  async function refresh(
    user: ChatUser,
    conn: NotionConnection,
    refreshToken: string,
  ): Promise<NotionConnection | undefined> {
    const grant = await notion.refreshGrant(refreshToken);
    const stored = await storeRefreshed(connections, user, conn, grant);
    log.info(
      { event: 'connection.refreshed', platform: user.platform, stored: Boolean(stored) },
      'Notion token refreshed',
    );
    // Disconnected or replaced meanwhile: nobody will use these tokens, so Notion should not keep them either.
    if (!stored) await notion.revokeToken(grant.accessToken).catch(() => undefined);
    return stored;
  }

  /** The refresh running for this user, or a new one; undefined when its tokens were not stored (disconnected meanwhile). */
  function refreshOnce(
    user: ChatUser,
    conn: NotionConnection,
    refreshToken: string,
  ): Promise<NotionConnection | undefined> {
    const key = chatUserKey(user);
    const running = refreshing.get(key);
    if (running) return running;
    const task = refresh(user, conn, refreshToken).finally(() => refreshing.delete(key));
    refreshing.set(key, task);
    return task;
  }

  return async (user, conn, call) => {
    const tried = new Set<string>();
    let cause: unknown;
    let current = conn;

    /** The call with `c`'s token; undefined when Notion refused that token. */
    const attempt = async (c: NotionConnection) => {
      current = c;
      tried.add(c.accessToken);
      try {
        return { conn: c, value: await call(c.accessToken, c) };
      } catch (err) {
        if (!(err instanceof NotionAccessRevokedError)) throw err;
        cause = err;
        return undefined;
      }
    };
    let stored: NotionConnection | undefined;
    /** The stored connection when it is alive with a token not tried yet. */
    const newer = async () => {
      stored = await connections.get(user);
      return stored && !stored.lostAccessAt && !tried.has(stored.accessToken) ? stored : undefined;
    };

    // A connection marked dead holds no tokens: nothing to send Notion unless a newer one is stored.
    if (!conn.lostAccessAt) {
      const done = await attempt(conn);
      if (done) return done;
    }
    const since = await newer();
    if (since) {
      const done = await attempt(since);
      if (done) return done;
    }
    if (!current.lostAccessAt && current.refreshToken) {
      let refreshed: NotionConnection | undefined;
      try {
        refreshed = await refreshOnce(user, current, current.refreshToken);
      } catch (refusal) {
        const code = refusal instanceof DomainError ? refusal.code : 'internal';
        log.info({ event: 'connection.refresh_failed', platform: user.platform, code }, 'token refresh refused');
      }
      if (refreshed && !tried.has(refreshed.accessToken)) {
        const done = await attempt(refreshed);
        if (done) return done;
      }
    }
    const latest = await newer();
    if (latest) {
      const done = await attempt(latest);
      if (done) return done;
    }
    // The stored token when Notion refused it here, else the last one tried.
    const refusedAccessToken = stored && tried.has(stored.accessToken) ? stored.accessToken : current.accessToken;
    throw new NotionAccessRevokedError({ cause, refusedAccessToken });
  };
}

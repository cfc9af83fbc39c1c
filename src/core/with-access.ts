import type { ChatUser } from './chat-user.js';
import type { NotionConnection, TokenGrant } from './connection.js';
import { DomainError, NotionAccessRevokedError } from './errors.js';
import type { ConnectionStore, NotionGateway } from './ports.js';
import type { Logger } from '../log.js';

/** Notion calls made with a connection's token; retried once after a refresh when Notion answers 401. */
export type WithAccess = <T>(user: ChatUser, conn: NotionConnection, call: (token: string) => Promise<T>) => Promise<{ conn: NotionConnection; value: T }>;

/**
 * Runs a Notion call; on 401 tries the refresh grant once (storing the new tokens) before giving
 * up with the original NotionAccessRevokedError.
 */
export function createWithAccess(deps: { connections: ConnectionStore; notion: NotionGateway; log: Logger }): WithAccess {
  const { connections, notion, log } = deps;
  return async (user, conn, call) => {
    // A connection already marked dead holds no tokens: nothing to send Notion until the user reconnects.
    if (conn.lostAccessAt) throw new NotionAccessRevokedError();
    try {
      return { conn, value: await call(conn.accessToken) };
    } catch (err) {
      if (!(err instanceof NotionAccessRevokedError) || !conn.refreshToken) throw err;
      let grant: TokenGrant;
      try {
        grant = await notion.refreshGrant(conn.refreshToken);
      } catch (refreshErr) {
        const code = refreshErr instanceof DomainError ? refreshErr.code : 'internal';
        log.info({ event: 'connection.refresh_failed', platform: user.platform, code }, 'token refresh refused');
        throw err;
      }
      const refreshed: NotionConnection = { ...conn, accessToken: grant.accessToken, refreshToken: grant.refreshToken ?? conn.refreshToken };
      await connections.set(user, refreshed);
      log.info({ event: 'connection.refreshed', platform: user.platform }, 'Notion token refreshed');
      return { conn: refreshed, value: await call(refreshed.accessToken) };
    }
  };
}

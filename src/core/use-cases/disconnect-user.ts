import type { ChatUser } from '../chat-user.js';
import type { NotionConnection } from '../connection.js';
import { errorCode, StoreDecryptError } from '../errors.js';
import type { DisconnectOutcome } from '../outcomes.js';
import type { UseCaseContext } from './context.js';

/** `Core.disconnectUser`: revokes the token (best effort) and deletes the connection locally either way. */
export function createDisconnectUser(ctx: UseCaseContext) {
  const { connections, log } = ctx;
  return async function disconnectUser(user: ChatUser): Promise<DisconnectOutcome> {
    let conn: NotionConnection | undefined;
    try {
      conn = await connections.get(user);
    } catch (err) {
      if (!(err instanceof StoreDecryptError)) throw err;
    }
    if (conn && !conn.lostAccessAt) {
      try {
        await ctx.notion.revokeToken(conn.accessToken);
      } catch (err) {
        log.warn(
          { event: 'disconnect.revoke_failed', platform: user.platform, code: errorCode(err) },
          'revoke failed; deleting locally anyway',
        );
      }
    }
    const existed = await connections.delete(user);
    ctx.recentTables.forget(user);
    log.info({ event: 'connection.disconnected', platform: user.platform, existed }, 'disconnected');
    return { wasConnected: existed, workspaceName: conn?.workspaceName };
  };
}

import { reconnectClaim } from '../access-lost.js';
import type { ChatUser } from '../chat-user.js';
import type { NotionConnection, TokenGrant } from '../connection.js';
import { errorCode, StoreDecryptError } from '../errors.js';
import type { ConnectionStatus, ConnectLink } from '../outcomes.js';
import type { UseCaseContext } from './context.js';
import type { ReplayKeptSaves } from './replay-kept-saves.js';

/** `Core.connectUser`: a fresh personal connect link, and what the user has now. */
export function createConnectUser(
  ctx: UseCaseContext,
  connectionStatus: (user: ChatUser) => Promise<ConnectionStatus>,
) {
  return async function connectUser(user: ChatUser): Promise<ConnectLink> {
    const link = await ctx.newConnectLink(user);
    let current: ConnectionStatus = { connected: false };
    try {
      current = await connectionStatus(user);
    } catch (err) {
      // Unreadable record: a fresh connection will replace it; the store already logged the error.
      if (!(err instanceof StoreDecryptError)) throw err;
    }
    ctx.log.info({ event: 'connect.link_created', platform: user.platform }, 'connect link created');
    return { ...link, current };
  };
}

/** Called by the OAuth callback once the code was exchanged: stores the connection, then sets it up in the background. */
export function createOnConnected(ctx: UseCaseContext, replay: ReplayKeptSaves) {
  const { connections, notion, log } = ctx;

  /**
   * After a connect: the table, the "Connected" DM, then the kept saves. When this fails (Notion
   * busy), the kept saves stay marked on the connection and the next save or status check with a
   * table replays them.
   */
  async function afterConnect(user: ChatUser, conn: NotionConnection, preferredId?: string): Promise<void> {
    try {
      const { status } = await ctx.discover(user, conn, { preferredId });
      await ctx.notifierFor(user)?.notifyConnected(user, { workspaceName: conn.workspaceName, status });
      if (status.kind === 'ready') await replay.replay(user);
    } catch (err) {
      log.error(
        {
          event: 'connect.followup_failed',
          platform: user.platform,
          code: errorCode(err),
          err: (err as Error).message,
        },
        'could not finish setting up after connect',
      );
    }
  }

  return async function onConnected(user: ChatUser, grant: TokenGrant): Promise<void> {
    // Two sign-ins finishing at once (two tabs, two instances) must not both read the same previous
    // connection: each would store its own and neither revoke the other's token, leaving one live at
    // Notion that nothing holds. Under the lease the later one reads the earlier one's and revokes it.
    const { previous, conn } = await connections.withLock(user, async () => {
      const previous = await connections.get(user).catch(() => undefined);
      // Saves kept while the old connection was dead wait for this one: a dead connection may have
      // some even when it was marked by a version that did not set the mark.
      const pendingSince = previous?.pendingSince ?? previous?.lostAccessAt;
      const conn: NotionConnection = {
        ...grant,
        connectedAt: ctx.now().toISOString(),
        chatUser: user,
        ...(pendingSince ? { pendingSince } : {}),
      };
      await connections.set(user, conn);
      return { previous, conn };
    });
    // A claim left held only delays the next loss's DM; it must not stop the setup below.
    await ctx.claims
      .release(reconnectClaim(user))
      .catch((err: unknown) =>
        log.warn(
          { event: 'connect.release_claim_failed', platform: user.platform, code: errorCode(err) },
          'could not reset the reconnect DM',
        ),
      );
    if (previous && previous.accessToken !== grant.accessToken && !previous.lostAccessAt) {
      ctx.track(
        notion
          .revokeToken(previous.accessToken)
          .catch((err: unknown) =>
            log.warn(
              { event: 'connection.revoke_previous_failed', code: errorCode(err) },
              'could not revoke the replaced token',
            ),
          ),
      );
    }
    ctx.track(afterConnect(user, conn, previous?.target?.dataSourceId));
  };
}

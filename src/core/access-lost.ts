import { chatUserKey, type ChatUser } from './chat-user.js';
import type { NotionConnection } from './connection.js';
import type { ChatNotifier } from './outcomes.js';
import type { ClaimStore, ConnectionStore, PendingSave, PendingSaves } from './ports.js';
import type { Logger } from '../log.js';

const RECONNECT_CLAIM_MS = 30 * 24 * 60 * 60_000;

/** The claim that makes "one Reconnect DM per loss of access" hold across concurrent calls and instances. */
export const reconnectClaim = (user: ChatUser) => `reconnect-dm:${chatUserKey(user)}`;

/** What the lost-access handling needs from the store, the adapters and core. */
export interface AccessLostDeps {
  connections: ConnectionStore;
  pendingSaves: PendingSaves;
  claims: ClaimStore;
  log: Logger;
  now: () => Date;
  newConnectLink(user: ChatUser): Promise<{ url: string }>;
  notifierFor(user: ChatUser): ChatNotifier | undefined;
  /** Background work the process waits for on shutdown. */
  track(task: Promise<unknown>): void;
}

/**
 * The dead connection as it stays stored: no tokens (Notion refused them and the refresh grant, so
 * keeping them would keep secrets for nothing), but the workspace, the table and when the user was
 * told, for the one DM, the status and the reconnect that follows.
 */
function withoutAccess(conn: NotionConnection, at: string, promptedAt?: string): NotionConnection {
  return {
    ...conn,
    accessToken: '',
    refreshToken: null,
    lostAccessAt: conn.lostAccessAt ?? at,
    ...(promptedAt || conn.reconnectPromptedAt ? { reconnectPromptedAt: conn.reconnectPromptedAt ?? promptedAt } : {}),
  };
}

/**
 * What happens when Notion stops accepting a connection (401 and no working refresh), whatever
 * was being done: the connection is marked dead (its tokens dropped) and the user gets one DM with a
 * Reconnect button.
 */
export function createAccessLost(deps: AccessLostDeps) {
  const { connections, log, now } = deps;

  /**
   * Marks the connection dead and, the first time for this loss, DMs the Reconnect button.
   * `pending`: saves now waiting for the reconnect (0 outside a save). Returns a link for the reply.
   */
  async function accessLost(user: ChatUser, conn: NotionConnection, pending = 0): Promise<string> {
    const link = await deps.newConnectLink(user);
    const firstNotice = !conn.reconnectPromptedAt && (await deps.claims.claim(reconnectClaim(user), RECONNECT_CLAIM_MS));
    const at = now().toISOString();
    await connections.set(user, withoutAccess(conn, at, at));
    log.info({ event: 'connection.access_lost', platform: user.platform, pending }, 'Notion no longer accepts the connection');
    if (firstNotice) {
      // Its own link: connect links are single use, and the reply carries the other one.
      const dmLink = await deps.newConnectLink(user);
      const notifier = deps.notifierFor(user);
      if (notifier) {
        deps.track(
          notifier
            .notifyReconnectNeeded(user, { workspaceName: conn.workspaceName, connectUrl: dmLink.url, pending })
            .catch((err: unknown) => log.warn({ event: 'notify.failed', platform: user.platform, err: (err as Error).message }, 'reconnect DM failed')),
        );
      }
    }
    return link.url;
  }

  /** Access was lost during a save: keep it for after the reconnect, then as {@link accessLost}. */
  async function keepForReconnect(user: ChatUser, conn: NotionConnection, save: Omit<PendingSave, 'queuedAt'>): Promise<string> {
    const pending = await deps.pendingSaves.add(user, { ...save, queuedAt: now().toISOString() });
    return accessLost(user, conn, pending);
  }

  /**
   * Marks the connection dead without a DM, for a status check: the status itself asks the user to
   * reconnect, and the first failed save or button still sends the one DM.
   */
  async function markLost(user: ChatUser, conn: NotionConnection): Promise<void> {
    if (conn.lostAccessAt) return;
    await connections.set(user, withoutAccess(conn, now().toISOString()));
    log.info({ event: 'connection.access_lost', platform: user.platform, pending: 0 }, 'Notion no longer accepts the connection');
  }

  return { accessLost, keepForReconnect, markLost };
}

/** See {@link createAccessLost}. */
export type AccessLost = ReturnType<typeof createAccessLost>;

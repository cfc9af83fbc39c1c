import type { Logger } from '../log.js';
import { chatUserKey, type ChatUser } from './chat-user.js';
import type { NotionConnection } from './connection.js';
import { NotionAccessRevokedError, NotionUnavailableError } from './errors.js';
import { keepSave, type SaveToKeep } from './kept-saves.js';
import type { ChatNotifier } from './outcomes.js';
import type { ClaimStore, ConnectionStore, PendingSaves } from './ports.js';

const RECONNECT_CLAIM_MS = 30 * 24 * 60 * 60_000;
/**
 * How often an operation runs again when the stored connection turned out to be alive with another
 * token. Each run already retried with tokens stored meanwhile; more than two changes in one
 * operation means something else keeps rotating them, and the user is asked to try again.
 */
const LIVE_RETRIES = 2;

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

/** How an operation with a connection ended. */
export type LiveOutcome<T> =
  | { kind: 'done'; value: T }
  /** Notion refuses the stored connection: it is marked dead (the reply offers a reconnect). */
  | { kind: 'lost' }
  /** No connection is stored any more (the user disconnected meanwhile). */
  | { kind: 'gone' };

/** What the stored connection says about a refused token. */
type Verdict =
  { kind: 'dead'; stored: NotionConnection } | { kind: 'alive'; conn: NotionConnection } | { kind: 'gone' };

/**
 * The dead connection as it stays stored: no tokens (Notion refused them and the refresh grant, so
 * keeping them would keep secrets for nothing), but the workspace, the table, when the user was
 * told and whether saves wait, for the one DM, the status and the reconnect that follows.
 */
function withoutAccess(
  conn: NotionConnection,
  at: string,
  marks: { promptedAt?: string | undefined; pendingSince?: string | undefined },
): NotionConnection {
  const promptedAt = conn.reconnectPromptedAt ?? marks.promptedAt;
  const pendingSince = conn.pendingSince ?? marks.pendingSince;
  return {
    ...conn,
    accessToken: '',
    refreshToken: null,
    lostAccessAt: conn.lostAccessAt ?? at,
    ...(promptedAt ? { reconnectPromptedAt: promptedAt } : {}),
    ...(pendingSince ? { pendingSince } : {}),
  };
}

const sameRecord = (a: NotionConnection, b: NotionConnection) =>
  a.accessToken === b.accessToken &&
  a.refreshToken === b.refreshToken &&
  a.lostAccessAt === b.lostAccessAt &&
  a.reconnectPromptedAt === b.reconnectPromptedAt &&
  a.pendingSince === b.pendingSince;

/**
 * What happens when Notion stops accepting a connection (401 and no working refresh), whatever
 * was being done. The stored connection decides, not the copy the operation started with: only
 * when it still holds the refused token (or is already dead) is it marked dead (its tokens dropped)
 * and the user gets one DM with a Reconnect button. When a refresh or reconnect elsewhere stored
 * a live one meanwhile, nothing is marked, nobody is told, and the operation runs again with it.
 */
export function createAccessLost(deps: AccessLostDeps) {
  const { connections, log, now } = deps;

  async function verdict(user: ChatUser, refused: string): Promise<Verdict> {
    const stored = await connections.get(user);
    if (!stored) return { kind: 'gone' };
    if (!stored.lostAccessAt && stored.accessToken !== refused) return { kind: 'alive', conn: stored };
    return { kind: 'dead', stored };
  }

  /** Writes the dead record from the stored one, and only when that changes it. */
  async function markDead(
    user: ChatUser,
    stored: NotionConnection,
    marks: Parameters<typeof withoutAccess>[2],
  ): Promise<void> {
    await connections.withLock(user, async () => {
      // A reconnect stored since `stored` was read is a new connection: it is not the one that died.
      const current = await connections.get(user);
      if (!current || current.accessToken !== stored.accessToken) return;
      const dead = withoutAccess(current, now().toISOString(), marks);
      if (!sameRecord(dead, current)) await connections.set(user, dead);
    });
  }

  /** Marks the connection dead, keeps `keep` for the reconnect and, the first time for this loss, DMs the Reconnect button. */
  async function lose(user: ChatUser, stored: NotionConnection, keep: SaveToKeep | undefined): Promise<void> {
    const at = now().toISOString();
    // Kept before the mark: a reconnect replaying in between then finds it (the mark alone would be
    // cleared with the save not yet in the list). A save that cannot be kept still lets the
    // connection be marked and the user told; its failure is reported after that.
    let pending = 0;
    let keepFailed: unknown;
    if (keep) {
      try {
        // A tweet kept before (sent twice while waiting) waits once; it is at least that one.
        pending = (await keepSave(deps, user, keep, at)) ?? 1;
      } catch (err) {
        keepFailed = err;
      }
    }
    await markDead(user, stored, { promptedAt: at, pendingSince: keep && !keepFailed ? at : undefined });
    const firstNotice =
      !stored.reconnectPromptedAt && (await deps.claims.claim(reconnectClaim(user), RECONNECT_CLAIM_MS));
    log.info(
      { event: 'connection.access_lost', platform: user.platform, pending },
      'Notion no longer accepts the connection',
    );
    if (firstNotice) {
      // Its own link: connect links are single use, and the reply carries another one.
      const dmLink = await deps.newConnectLink(user);
      const notifier = deps.notifierFor(user);
      if (notifier) {
        deps.track(
          notifier
            .notifyReconnectNeeded(user, { workspaceName: stored.workspaceName, connectUrl: dmLink.url, pending })
            .catch((err: unknown) =>
              log.warn(
                { event: 'notify.failed', platform: user.platform, err: (err as Error).message },
                'reconnect DM failed',
              ),
            ),
        );
      }
    }
    if (keepFailed) throw keepFailed;
  }

  /**
   * Runs `op` with `conn` (which may be dead already: `op` then gets a refusal from with-access
   * unless a live connection was stored). When Notion refuses for good, as described above.
   * `keep`: the save to keep for the reconnect.
   * `quiet`: mark the connection dead without the DM, for a status check, which itself asks the user
   * to reconnect (the first failed save or button still sends the one DM). Throws what `op` throws otherwise.
   */
  async function withLiveConnection<T>(
    user: ChatUser,
    conn: NotionConnection,
    op: (conn: NotionConnection) => Promise<T>,
    options: { keep?: SaveToKeep | undefined; quiet?: boolean } = {},
  ): Promise<LiveOutcome<T>> {
    for (let runs = 0, current = conn; ; runs++) {
      try {
        return { kind: 'done', value: await op(current) };
      } catch (err) {
        if (!(err instanceof NotionAccessRevokedError)) throw err;
        const found = await verdict(user, err.refusedAccessToken ?? current.accessToken);
        if (found.kind === 'gone') return found;
        if (found.kind === 'alive') {
          if (runs >= LIVE_RETRIES) throw new NotionUnavailableError({ cause: err });
          log.info(
            { event: 'connection.changed_meanwhile', platform: user.platform },
            'another token was stored meanwhile; trying with it',
          );
          current = found.conn;
          continue;
        }
        if (options.quiet) {
          await markDead(user, found.stored, {});
          log.info(
            { event: 'connection.access_lost', platform: user.platform, pending: 0 },
            'Notion no longer accepts the connection',
          );
        } else {
          await lose(user, found.stored, options.keep);
        }
        return { kind: 'lost' };
      }
    }
  }

  return { withLiveConnection };
}

/** See {@link createAccessLost}. */
export type AccessLost = ReturnType<typeof createAccessLost>;

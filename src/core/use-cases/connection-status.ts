import type { ChatUser } from '../chat-user.js';
import type { NotionConnection, SaveTarget } from '../connection.js';
import { errorCode } from '../errors.js';
import type { ConnectionStatus, TableChoice, TargetStatus } from '../outcomes.js';
import { sameId } from '../pick-target.js';
import { ready, type UseCaseContext } from './context.js';
import type { ReplayKeptSaves } from './replay-kept-saves.js';

/** `Core.connectionStatus`: whether the user is connected and where saves go. */
export function createConnectionStatus(ctx: UseCaseContext, replay: ReplayKeptSaves) {
  const { connections, notion, log, lost, withAccess, recentTables, discover } = ctx;

  /** Lists the shared tables now (and remembers them); `lost` / `gone` as withLiveConnection says. */
  async function listChoices(user: ChatUser, conn: NotionConnection) {
    const ran = await lost.withLiveConnection(
      user,
      conn,
      (c) => withAccess(user, c, (token) => notion.listTables(token)),
      { quiet: true },
    );
    if (ran.kind !== 'done') return ran;
    return { kind: 'done' as const, tables: recentTables.remember(user, ran.value.conn, ran.value.value) };
  }

  /**
   * The stored target, with every usable shared table when there are several, so the status can
   * offer to switch. Answered from the tables this process listed last when it has them (see
   * `recent-tables.ts`), so the answer does not wait on Notion; else listed once. Without a listing
   * (Notion busy), just the target.
   */
  async function readyWithChoices(
    user: ChatUser,
    conn: NotionConnection,
    target: SaveTarget,
  ): Promise<{ target: TargetStatus; needsReconnect?: true }> {
    const withChoices = (tables: TableChoice[]): TargetStatus => {
      if (tables.length < 2) return ready(target);
      const currentId = tables.find((t) => sameId(t.id, target.dataSourceId))?.id;
      return { ...ready(target), choices: { tables, ...(currentId ? { currentId } : {}) } };
    };
    const listFailed = (err: unknown) =>
      log.warn(
        { event: 'status.list_failed', platform: user.platform, code: errorCode(err) },
        'could not list the shared tables',
      );
    const remembered = recentTables.get(user, conn);
    if (remembered) {
      if (!remembered.fresh) ctx.track(listChoices(user, conn).catch(listFailed));
      return { target: withChoices(remembered.tables) };
    }
    try {
      const listed = await listChoices(user, conn);
      if (listed.kind === 'lost') return { target: ready(target), needsReconnect: true };
      return { target: listed.kind === 'done' ? withChoices(listed.tables) : ready(target) };
    } catch (err) {
      listFailed(err);
      return { target: ready(target) };
    }
  }

  /**
   * Where the connection's saves go. Without a stored target, what is shared now is looked at, so
   * pickers and column help show before the first save; with one, the other usable tables, so the
   * user can switch. Never throws for Notion's sake: a lost connection reads as `needsReconnect`,
   * an unreachable Notion as no known target (or the stored one alone).
   */
  async function targetOf(
    user: ChatUser,
    conn: NotionConnection,
  ): Promise<{ target: TargetStatus | undefined; needsReconnect?: true }> {
    if (conn.lostAccessAt) return { target: conn.target ? ready(conn.target) : undefined, needsReconnect: true };
    if (conn.target) {
      if (conn.pendingSince) replay.fromStatus(user);
      return readyWithChoices(user, conn, conn.target);
    }
    try {
      const ran = await lost.withLiveConnection(user, conn, (c) => discover(user, c), { quiet: true });
      if (ran.kind === 'lost') return { target: undefined, needsReconnect: true };
      if (ran.kind === 'gone') return { target: undefined };
      if (ran.value.status.kind === 'ready' && ran.value.conn.pendingSince) replay.fromStatus(user);
      return { target: ran.value.status };
    } catch (err) {
      log.warn(
        { event: 'status.discover_failed', platform: user.platform, code: errorCode(err) },
        'could not look at the shared tables',
      );
      return { target: undefined };
    }
  }

  return async function connectionStatus(user: ChatUser): Promise<ConnectionStatus> {
    const conn = await connections.get(user);
    if (!conn) return { connected: false };
    return {
      connected: true,
      workspaceName: conn.workspaceName,
      connectedAt: conn.connectedAt,
      ...(await targetOf(user, conn)),
    };
  };
}

import type { ChatUser } from './chat-user.js';
import { storeTarget } from './connection-writes.js';
import type { NotionConnection } from './connection.js';
import type { TargetStatus } from './outcomes.js';
import { pickTarget, type PickPreferences } from './pick-target.js';
import type { ConnectionStore, NotionGateway, TableCandidate } from './ports.js';
import type { WithAccess } from './with-access.js';

/** `preferredId`: the table chosen before; `keepPreferred`: answer with its column help rather than switch away from it. */
export type DiscoverOptions = Pick<PickPreferences, 'preferredId' | 'keepPreferred'>;

/** Looks at what is shared now and decides the target; stores it when one is found. */
export type Discover = (
  user: ChatUser,
  conn: NotionConnection,
  options?: DiscoverOptions,
) => Promise<{ conn: NotionConnection; status: TargetStatus }>;

/**
 * Shared tables, then the target (see `pickTarget`). When no table can take tweets but pages are
 * shared, the status carries those pages so the user can have a Tweets table created in one:
 * `create_offer` when no table is shared at all, `unusable` with `pages` next to the column help.
 * Throws the gateway's domain errors (NotionAccessRevokedError after a failed refresh).
 */
export function createDiscover(deps: {
  connections: ConnectionStore;
  notion: NotionGateway;
  withAccess: WithAccess;
  /** Told of every listing, so the status can show the tables without another call. */
  listed?: (user: ChatUser, conn: NotionConnection, tables: TableCandidate[]) => void;
}): Discover {
  const { connections, notion, withAccess } = deps;
  return async (user, conn, options = {}) => {
    const listed = await withAccess(user, conn, (token) => notion.listTables(token));
    const current = listed.conn;
    deps.listed?.(user, current, listed.value);
    const { target, status } = pickTarget(listed.value, { ...options, templatePageId: current.duplicatedTemplateId });
    if (target) return { conn: await storeTarget(connections, user, current, target), status };
    if (status.kind !== 'none_shared' && status.kind !== 'unusable') return { conn: current, status };
    const pages = await withAccess(user, current, (token) => notion.listPages(token));
    if (pages.value.length === 0) return { conn: pages.conn, status };
    return {
      conn: pages.conn,
      status:
        status.kind === 'none_shared'
          ? { kind: 'create_offer', pages: pages.value }
          : { ...status, pages: pages.value },
    };
  };
}

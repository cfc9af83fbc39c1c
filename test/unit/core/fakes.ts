import type { ChatUser } from '../../../src/core/chat-user.js';
import type { NotionConnection, TokenGrant } from '../../../src/core/connection.js';
import { NotionAccessRevokedError, OAuthCodeRejectedError } from '../../../src/core/errors.js';
import type { ChatNotifier, ReconnectNotice } from '../../../src/core/outcomes.js';
import type {
  ClaimStore,
  ConnectionStore,
  NotionGateway,
  PendingSave,
  PendingSaves,
  SavedRecord,
  SaveIndex,
} from '../../../src/core/ports.js';
import { createLogger } from '../../../src/log.js';

import { sam } from '../../helpers/fixtures.js';

/** Sam is one of the people in test/helpers/fixtures.ts, re-exported for the core unit tests. */
export { sam };
export const silent = createLogger('silent');

/** A live connection holding `token` (and refresh token `r-<token>`). */
export function liveConnection(token: string, extra: Partial<NotionConnection> = {}): NotionConnection {
  return {
    accessToken: token,
    refreshToken: `r-${token}`,
    botId: 'bot-1',
    workspaceId: 'ws-1',
    workspaceName: 'Acme',
    workspaceIcon: null,
    ownerUserId: null,
    duplicatedTemplateId: null,
    connectedAt: '2025-01-01T00:00:00.000Z',
    chatUser: sam,
    ...extra,
  };
}

/**
 * One user's connection in memory. `onGet` runs before each read answers: a test puts another
 * instance's write (a refresh, a reconnect) there, between an operation's reads.
 */
export function memoryConnections(initial?: NotionConnection) {
  let stored = initial;
  const writes: NotionConnection[] = [];
  /** `withLock`: one task at a time, as the real store's lease does. */
  let queue: Promise<unknown> = Promise.resolve();
  const store = {
    reads: 0,
    onGet: undefined as ((read: number) => void) | undefined,
    writes,
    current: () => stored,
    put: (conn: NotionConnection | undefined) => void (stored = conn),
    async get() {
      store.reads++;
      store.onGet?.(store.reads);
      return stored;
    },
    async set(_user: ChatUser, conn: NotionConnection) {
      writes.push(conn);
      stored = conn;
    },
    async delete() {
      const had = stored !== undefined;
      stored = undefined;
      return had;
    },
    withLock<T>(_user: ChatUser, task: () => Promise<T>): Promise<T> {
      const run = queue.then(task, task);
      queue = run.catch(() => undefined);
      return run;
    },
    async usersInWorkspace(): Promise<ChatUser[]> {
      return stored ? [stored.chatUser] : [];
    },
  } satisfies ConnectionStore & Record<string, unknown>;
  return store;
}

/**
 * Notion as far as tokens go: `live` access tokens work, refresh tokens in `refreshable` rotate
 * (the old pair dies, like Notion's refresh), everything else is refused.
 */
export function tokenNotion() {
  const live = new Set<string>();
  const refreshable = new Set<string>();
  let issued = 0;
  const calls: string[] = [];
  let refreshes = 0;
  const notion = {
    live,
    refreshable,
    calls,
    refreshes: () => refreshes,
    /** What a NotionGateway call does with a token: answers with it, or 401. */
    async call(token: string): Promise<string> {
      calls.push(token);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (!live.has(token)) throw new NotionAccessRevokedError();
      return `ok:${token}`;
    },
    revoked: [] as string[],
    gateway: {
      async revokeToken(token: string) {
        notion.revoked.push(token);
        live.delete(token);
      },
      async refreshGrant(refreshToken: string): Promise<TokenGrant> {
        refreshes++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (!refreshable.has(refreshToken)) throw new OAuthCodeRejectedError();
        live.clear();
        refreshable.clear();
        const token = `T${++issued}-refreshed`;
        live.add(token);
        refreshable.add(`r-${token}`);
        return { ...liveConnection(token), accessToken: token, refreshToken: `r-${token}` };
      },
    } as unknown as NotionGateway,
  };
  return notion;
}

/** A save index in memory, its records open to look at. */
export function memoryIndex(): SaveIndex & { records: SavedRecord[] } {
  const records: SavedRecord[] = [];
  return {
    records,
    find: async (_u, ds, key) => records.find((r) => r.dataSourceId === ds && r.tweetKey === key),
    findByPage: async (_u, id) => records.find((r) => r.pageId === id),
    remember: async (_u, r) => void records.push(r),
    forget: async () => undefined,
  };
}

export function memoryClaims(): ClaimStore & { held: Set<string> } {
  const held = new Set<string>();
  return {
    held,
    async claim(key) {
      if (held.has(key)) return false;
      held.add(key);
      return true;
    },
    async release(key) {
      held.delete(key);
    },
  };
}

export function memoryPending(): PendingSaves & { list: PendingSave[] } {
  const list: PendingSave[] = [];
  return {
    list,
    async add(_user, save) {
      list.push(save);
      return list.length;
    },
    /** As the real store: the list goes only once `hand` resolved; `emptied` runs before any later add. */
    async takeAll(_user, hand, emptied) {
      const taken = [...list];
      if (taken.length > 0) {
        await hand(taken);
        list.splice(0, taken.length);
      }
      await emptied?.();
      return taken;
    },
  };
}

/** A notifier that records the reconnect DMs. */
export function recordingNotifier(): ChatNotifier & { reconnect: ReconnectNotice[] } {
  const reconnect: ReconnectNotice[] = [];
  return {
    reconnect,
    notifyConnected: async () => undefined,
    notifyReconnectNeeded: async (_user, notice) => void reconnect.push(notice),
    deliverSaveResult: async () => undefined,
  };
}

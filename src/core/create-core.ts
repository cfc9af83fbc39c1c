import { chatUserKey, type ChatUser, type Platform } from './chat-user.js';
import type { NotionConnection, TokenGrant } from './connection.js';
import type { Core } from './core.js';
import { DomainError, NotionAccessRevokedError, StoreDecryptError } from './errors.js';
import type { ChatNotifier, ConnectionStatus, ConnectLink, TargetStatus } from './outcomes.js';
import { pickTarget, sameId, toSaveTarget, usableChoices } from './pick-target.js';
import type { ClaimStore, ConnectionStore, NotionGateway, OneTimeStore, TweetLookup } from './ports.js';
import type { SaveQueue } from './save-queue.js';
import { createSaveWorker } from './save-worker.js';
import { parseTweetInput } from '../tweets/parse-tweet-input.js';
import { newOpaqueToken } from '../oauth/tokens.js';
import { START_PATH } from '../oauth/paths.js';
import type { Logger } from '../log.js';

export const LINK_TTL_MS = 10 * 60_000;
const EVENT_MEMORY_MS = 24 * 60 * 60_000;

export interface CoreDeps {
  connections: ConnectionStore;
  linkTokens: OneTimeStore<ChatUser>;
  claims: ClaimStore;
  notion: NotionGateway;
  lookupTweet: TweetLookup;
  queue: SaveQueue;
  log: Logger;
  /** The product's public base URL, read when a link is made. */
  publicUrl: () => string;
  now?: () => Date;
}

/** Core plus what the OAuth callback and the process need. */
export interface CoreService extends Core {
  /** Called by the OAuth callback once the code was exchanged. */
  onConnected(user: ChatUser, grant: TokenGrant): Promise<void>;
  /** Resolves when background work (post-connect discovery and DMs, queued saves) is done. */
  idle(): Promise<void>;
}

/** Wires the use cases: connect, save, choose table, disconnect, status. */
export function createCore(deps: CoreDeps): CoreService {
  const { connections, notion, log } = deps;
  const now = deps.now ?? (() => new Date());
  const notifiers = new Map<Platform, ChatNotifier>();
  const background = new Set<Promise<unknown>>();

  function track(task: Promise<unknown>): void {
    background.add(task);
    void task.finally(() => background.delete(task));
  }

  async function newConnectLink(user: ChatUser): Promise<{ url: string; expiresAt: Date }> {
    chatUserKey(user); // validates the ids before anything is stored
    const token = newOpaqueToken();
    await deps.linkTokens.put(token, user, LINK_TTL_MS);
    return { url: `${deps.publicUrl()}${START_PATH}?t=${token}`, expiresAt: new Date(now().getTime() + LINK_TTL_MS) };
  }

  /** A connection Notion has revoked is useless: forget it so the next step is a clean reconnect. */
  async function forgetRevoked(user: ChatUser): Promise<string> {
    await connections.delete(user);
    log.info({ event: 'connection.revoked', platform: user.platform }, 'Notion revoked access; connection deleted');
    return (await newConnectLink(user)).url;
  }

  async function discover(user: ChatUser, conn: NotionConnection, preferredId?: string): Promise<{ conn: NotionConnection; status: TargetStatus }> {
    const tables = await notion.listTables(conn.accessToken);
    const { target, status } = pickTarget(tables, preferredId);
    if (target) {
      conn = { ...conn, target };
      await connections.set(user, conn);
    }
    return { conn, status };
  }

  const saveWorker = createSaveWorker({ ...deps, now, discover, forgetRevoked, newConnectLink });

  async function statusOf(user: ChatUser): Promise<ConnectionStatus> {
    const conn = await connections.get(user);
    if (!conn) return { connected: false };
    return {
      connected: true,
      workspaceName: conn.workspaceName,
      connectedAt: conn.connectedAt,
      target: conn.target ? { kind: 'ready', table: conn.target.title, url: conn.target.url } : undefined,
    };
  }

  async function afterConnect(user: ChatUser, conn: NotionConnection, preferredId?: string): Promise<void> {
    try {
      const { status } = await discover(user, conn, preferredId);
      const notifier = notifiers.get(user.platform);
      if (!notifier) {
        log.warn({ event: 'notify.no_adapter', platform: user.platform }, 'connected, but no adapter can message this user');
        return;
      }
      await notifier.notifyConnected(user, { workspaceName: conn.workspaceName, status });
    } catch (err) {
      log.error({ event: 'connect.followup_failed', platform: user.platform, code: (err as DomainError).code, err: (err as Error).message }, 'could not finish setting up after connect');
    }
  }

  return {
    registerNotifier(platform, notifier) {
      notifiers.set(platform, notifier);
    },

    async connectUser(user): Promise<ConnectLink> {
      const link = await newConnectLink(user);
      let current: ConnectionStatus = { connected: false };
      try {
        current = await statusOf(user);
      } catch (err) {
        // Unreadable record: a fresh connection will replace it; the store already logged the error.
        if (!(err instanceof StoreDecryptError)) throw err;
      }
      log.info({ event: 'connect.link_created', platform: user.platform }, 'connect link created');
      return { ...link, current };
    },

    async onConnected(user, grant) {
      const previous = await connections.get(user).catch(() => undefined);
      const conn: NotionConnection = { ...grant, connectedAt: now().toISOString(), chatUser: user };
      await connections.set(user, conn);
      if (previous && previous.accessToken !== grant.accessToken) {
        track(notion.revokeToken(previous.accessToken).catch((err: DomainError) => log.warn({ event: 'connection.revoke_previous_failed', code: err.code }, 'could not revoke the replaced token')));
      }
      track(afterConnect(user, conn, previous?.target?.dataSourceId));
    },

    async saveTweet(user, input) {
      const parsed = parseTweetInput(input);
      if (parsed.kind !== 'tweet') {
        const reason = parsed.kind === 'not_tweet_link' ? 'not_tweet_link' : parsed.kind === 'empty' ? 'empty' : 'no_tweet';
        log.info({ event: 'save.no_tweet', platform: user.platform, reason }, 'input holds no tweet');
        const outcome = { kind: 'no_tweet', reason } as const;
        return { outcome, result: Promise.resolve(outcome) };
      }
      const result = deps.queue.run(() => saveWorker.save(user, parsed.tweet));
      track(result);
      return { result };
    },

    async chooseTarget(user, dataSourceId) {
      const conn = await connections.get(user);
      if (!conn) return { kind: 'not_connected', connectUrl: (await newConnectLink(user)).url };
      try {
        const tables = await notion.listTables(conn.accessToken);
        const table = tables.find((t) => sameId(t.dataSourceId, dataSourceId));
        if (!table) return { kind: 'unknown_table', tables: usableChoices(tables) };
        if (!table.mapping) return { kind: 'unusable', table: table.title, missing: table.missing! };
        const target = toSaveTarget({ ...table, mapping: table.mapping });
        await connections.set(user, { ...conn, target });
        log.info({ event: 'target.chosen', platform: user.platform }, 'table chosen');
        return { kind: 'ready', table: target.title, url: target.url };
      } catch (err) {
        if (err instanceof NotionAccessRevokedError) return { kind: 'reconnect', connectUrl: await forgetRevoked(user) };
        throw err;
      }
    },

    async disconnectUser(user) {
      let conn: NotionConnection | undefined;
      try {
        conn = await connections.get(user);
      } catch (err) {
        if (!(err instanceof StoreDecryptError)) throw err;
      }
      if (conn) {
        try {
          await notion.revokeToken(conn.accessToken);
        } catch (err) {
          log.warn({ event: 'disconnect.revoke_failed', platform: user.platform, code: (err as DomainError).code }, 'revoke failed; deleting locally anyway');
        }
      }
      const existed = await connections.delete(user);
      log.info({ event: 'connection.disconnected', platform: user.platform, existed }, 'disconnected');
      return { wasConnected: existed, workspaceName: conn?.workspaceName };
    },

    connectionStatus: statusOf,

    acceptOnce(eventKey) {
      return deps.claims.claim(`event:${eventKey}`, EVENT_MEMORY_MS);
    },

    async idle() {
      while (background.size > 0) await Promise.allSettled([...background]);
      await deps.queue.drain();
    },
  };
}

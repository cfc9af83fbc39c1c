import { chatUserKey, type ChatUser, type Platform } from './chat-user.js';
import { setNewest } from './bounded-map.js';
import { createAccessLost, reconnectClaim, type LiveOutcome } from './access-lost.js';
import { createAddNote } from './add-note.js';
import type { NotionConnection, SaveTarget, TokenGrant } from './connection.js';
import { clearPendingMark, setPendingMark, storeTarget } from './connection-writes.js';
import type { Core } from './core.js';
import { createTableOnce } from './create-table-once.js';
import { createDiscover } from './discover-target.js';
import { DomainError, StoreDecryptError } from './errors.js';
import { releaseKept } from './kept-saves.js';
import { createRecentTables } from './recent-tables.js';
import type { ChatNotifier, ChooseTargetOutcome, ConnectionStatus, ConnectLink, SaveOutcome, SaveTicket, TableChoice, TargetStatus } from './outcomes.js';
import { sameId, toSaveTarget, unusableStatus, usableChoices } from './pick-target.js';
import type { ClaimStore, ConnectionStore, LiveLinks, NotionGateway, OneTimeStore, PendingSaves, SaveIndex, TweetProviders } from './ports.js';
import { createConnectLinks } from './connect-links.js';
import type { SaveQueue } from './save-queue.js';
import { createSaveWorker, type SaveJob } from './save-worker.js';
import { createWithAccess } from './with-access.js';
import { parseTweetInput } from '../tweets/parse-tweet-input.js';
import { saveWordsOf } from '../tweets/save-words.js';
import type { Logger } from '../log.js';

const EVENT_MEMORY_MS = 24 * 60 * 60_000;
/** See `replayFromStatus`. */
const STATUS_REPLAY_EVERY_MS = 5 * 60_000;
const STATUS_REPLAY_USERS = 5_000;

export interface CoreDeps {
  connections: ConnectionStore;
  linkTokens: OneTimeStore<ChatUser>;
  /** Each user's live connect link, so asking again (or saving while unconnected) shows the same one. */
  liveLinks: LiveLinks;
  claims: ClaimStore;
  saveIndex: SaveIndex;
  pendingSaves: PendingSaves;
  notion: NotionGateway;
  tweetProviders: TweetProviders;
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

const errorCode = (err: unknown) => (err instanceof DomainError ? err.code : 'internal');
const ready = (target: SaveTarget): Extract<TargetStatus, { kind: 'ready' }> => ({ kind: 'ready', table: target.title, url: target.url });
const created = (target: SaveTarget): ChooseTargetOutcome => ({ kind: 'created', table: target.title, url: target.url, pageTitle: target.parentTitle });

/** Wires the use cases: connect, save, undo, choose or create a table, disconnect, status. */
export function createCore(deps: CoreDeps): CoreService {
  const { connections, notion, log } = deps;
  const now = deps.now ?? (() => new Date());
  const notifiers = new Map<Platform, ChatNotifier>();
  const background = new Set<Promise<unknown>>();

  function track(task: Promise<unknown>): void {
    background.add(task);
    void task.finally(() => background.delete(task));
  }

  const newConnectLink = createConnectLinks({ ...deps, now });

  function notifierFor(user: ChatUser): ChatNotifier | undefined {
    const notifier = notifiers.get(user.platform);
    if (!notifier) log.warn({ event: 'notify.no_adapter', platform: user.platform }, 'no adapter can message this user');
    return notifier;
  }

  const withAccess = createWithAccess({ connections, notion, log });
  const recentTables = createRecentTables(now);
  const discover = createDiscover({ connections, notion, withAccess, listed: recentTables.remember });
  const lost = createAccessLost({ ...deps, now, newConnectLink, notifierFor, track });
  const saveWorker = createSaveWorker({
    ...deps,
    now,
    withAccess,
    discover,
    withLiveConnection: lost.withLiveConnection,
    replayKept: (user) => replayInBackground(user),
    newConnectLink,
  });
  const tableOnce = createTableOnce(deps);
  const notes = createAddNote({ ...deps, withAccess, withLiveConnection: lost.withLiveConnection, newConnectLink });
  /** Users whose kept saves this process is replaying now: one replay at a time each. */
  const replaying = new Set<string>();

  /**
   * Saves that waited (for a reconnect, or for a table) land once a target is ready; the user hears
   * the results. A save that still cannot land (its table lacks a column, access is lost again) is
   * kept again by the worker and not reported: it is still waiting. The mark on the connection is
   * cleared before the list is taken, so a save kept meanwhile sets it again rather than being
   * forgotten; it is put back when the list cannot be taken.
   */
  async function replayPending(user: ChatUser): Promise<void> {
    const key = chatUserKey(user);
    if (replaying.has(key)) return;
    replaying.add(key);
    try {
      await clearPendingMark(connections, user);
      let pending;
      try {
        pending = await deps.pendingSaves.takeAll(user);
      } catch (err) {
        await setPendingMark(connections, user, now().toISOString()).catch(() => undefined);
        throw err;
      }
      if (pending.length === 0) return;
      await releaseKept(deps.claims, user, pending);
      const outcomes: SaveOutcome[] = [];
      for (const save of pending) {
        // Entries kept before `dataSourceId` and `force` existed replay as they did then.
        const job: SaveJob = { tweet: save.tweet, tableName: save.tableName, dataSourceId: save.dataSourceId, force: save.force, comment: save.comment, tags: save.tags, thread: save.thread };
        outcomes.push(await deps.queue.run(() => saveWorker.save(user, job)));
      }
      const settled = outcomes.filter((o) => !((o.kind === 'needs_table' || o.kind === 'reconnect') && o.kept));
      log.info({ event: 'save.replayed', platform: user.platform, count: outcomes.length, waiting: outcomes.length - settled.length }, 'kept saves replayed');
      if (settled.length > 0) await notifierFor(user)?.notifyPendingSaved(user, settled);
    } finally {
      replaying.delete(key);
    }
  }

  function replayInBackground(user: ChatUser): void {
    track(replayPending(user).catch((err: unknown) => log.warn({ event: 'save.replay_failed', err: (err as Error).message }, 'replay failed')));
  }

  /**
   * A status look (Home tab, /notion-connect) replays kept saves at most once per user every few
   * minutes: a save that still cannot land is kept again each time, and every attempt costs Notion
   * requests the user's own saves need. Picks, created tables, reconnects and saves replay at once.
   */
  const statusReplayAt = new Map<string, number>();
  function replayFromStatus(user: ChatUser): void {
    const key = chatUserKey(user);
    const at = now().getTime();
    const last = statusReplayAt.get(key);
    if (last !== undefined && at - last < STATUS_REPLAY_EVERY_MS) return;
    setNewest(statusReplayAt, key, at, STATUS_REPLAY_USERS);
    replayInBackground(user);
  }

  /** Lists the shared tables now (and remembers them); `lost` / `gone` as withLiveConnection says. */
  async function listChoices(user: ChatUser, conn: NotionConnection) {
    const ran = await lost.withLiveConnection(user, conn, (c) => withAccess(user, c, (token) => notion.listTables(token)), { quiet: true });
    if (ran.kind !== 'done') return ran;
    return { kind: 'done' as const, tables: recentTables.remember(user, ran.value.conn, ran.value.value) };
  }

  /**
   * The stored target, with every usable shared table when there are several, so the status can
   * offer to switch. Answered from the tables this process listed last when it has them (see
   * `recent-tables.ts`), so the answer does not wait on Notion; else listed once. Without a listing
   * (Notion busy), just the target.
   */
  async function readyWithChoices(user: ChatUser, conn: NotionConnection, target: SaveTarget): Promise<{ target: TargetStatus; needsReconnect?: true }> {
    const withChoices = (tables: TableChoice[]): TargetStatus => {
      if (tables.length < 2) return ready(target);
      const currentId = tables.find((t) => sameId(t.id, target.dataSourceId))?.id;
      return { ...ready(target), choices: { tables, ...(currentId ? { currentId } : {}) } };
    };
    const listFailed = (err: unknown) => log.warn({ event: 'status.list_failed', platform: user.platform, code: errorCode(err) }, 'could not list the shared tables');
    const remembered = recentTables.get(user, conn);
    if (remembered) {
      if (!remembered.fresh) track(listChoices(user, conn).catch(listFailed));
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
  async function targetOf(user: ChatUser, conn: NotionConnection): Promise<{ target: TargetStatus | undefined; needsReconnect?: true }> {
    if (conn.lostAccessAt) return { target: conn.target ? ready(conn.target) : undefined, needsReconnect: true };
    if (conn.target) {
      if (conn.pendingSince) replayFromStatus(user);
      return readyWithChoices(user, conn, conn.target);
    }
    try {
      const ran = await lost.withLiveConnection(user, conn, (c) => discover(user, c), { quiet: true });
      if (ran.kind === 'lost') return { target: undefined, needsReconnect: true };
      if (ran.kind === 'gone') return { target: undefined };
      if (ran.value.status.kind === 'ready' && ran.value.conn.pendingSince) replayFromStatus(user);
      return { target: ran.value.status };
    } catch (err) {
      log.warn({ event: 'status.discover_failed', platform: user.platform, code: errorCode(err) }, 'could not look at the shared tables');
      return { target: undefined };
    }
  }

  async function statusOf(user: ChatUser): Promise<ConnectionStatus> {
    const conn = await connections.get(user);
    if (!conn) return { connected: false };
    return { connected: true, workspaceName: conn.workspaceName, connectedAt: conn.connectedAt, ...(await targetOf(user, conn)) };
  }

  /**
   * After a connect: the table, the "Connected" DM, then the kept saves. When this fails (Notion
   * busy), the kept saves stay marked on the connection and the next save or status check with a
   * table replays them.
   */
  async function afterConnect(user: ChatUser, conn: NotionConnection, preferredId?: string): Promise<void> {
    try {
      const { status } = await discover(user, conn, { preferredId });
      await notifierFor(user)?.notifyConnected(user, { workspaceName: conn.workspaceName, status });
      if (status.kind === 'ready') await replayPending(user);
    } catch (err) {
      log.error({ event: 'connect.followup_failed', platform: user.platform, code: errorCode(err), err: (err as Error).message }, 'could not finish setting up after connect');
    }
  }

  function enqueue(user: ChatUser, job: SaveJob): SaveTicket {
    const result = deps.queue.run(() => saveWorker.save(user, job));
    track(result);
    return { result };
  }

  /** The answer when Notion refused the stored connection (`lost`) or none is stored any more (`gone`). */
  async function lostReply(ran: Exclude<LiveOutcome<unknown>, { kind: 'done' }>, user: ChatUser) {
    const connectUrl = (await newConnectLink(user)).url;
    return ran.kind === 'lost' ? ({ kind: 'reconnect', connectUrl } as const) : ({ kind: 'not_connected', connectUrl } as const);
  }

  /**
   * Table lookups for the pickers. A lost connection is marked dead and gets the one Reconnect DM,
   * as during a save (nothing is kept: a table choice is not a save).
   */
  async function withTables(user: ChatUser, use: (conn: NotionConnection) => Promise<ChooseTargetOutcome>): Promise<ChooseTargetOutcome> {
    const conn = await connections.get(user);
    if (!conn) return { kind: 'not_connected', connectUrl: (await newConnectLink(user)).url };
    const ran = await lost.withLiveConnection(user, conn, use);
    return ran.kind === 'done' ? ran.value : lostReply(ran, user);
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
          connectedAt: now().toISOString(),
          chatUser: user,
          ...(pendingSince ? { pendingSince } : {}),
        };
        await connections.set(user, conn);
        return { previous, conn };
      });
      // A claim left held only delays the next loss's DM; it must not stop the setup below.
      await deps.claims
        .release(reconnectClaim(user))
        .catch((err: unknown) => log.warn({ event: 'connect.release_claim_failed', platform: user.platform, code: errorCode(err) }, 'could not reset the reconnect DM'));
      if (previous && previous.accessToken !== grant.accessToken && !previous.lostAccessAt) {
        track(
          notion
            .revokeToken(previous.accessToken)
            .catch((err: unknown) => log.warn({ event: 'connection.revoke_previous_failed', code: errorCode(err) }, 'could not revoke the replaced token')),
        );
      }
      track(afterConnect(user, conn, previous?.target?.dataSourceId));
    },

    async saveTweet(user, input, options = {}) {
      const parsed = parseTweetInput(input);
      if (parsed.kind !== 'tweet') {
        const reason = parsed.kind === 'not_tweet_link' ? 'not_tweet_link' : parsed.kind === 'empty' ? 'empty' : 'no_tweet';
        log.info({ event: 'save.no_tweet', platform: user.platform, reason }, 'input holds no tweet');
        const outcome = { kind: 'no_tweet', reason } as const;
        return { outcome, result: Promise.resolve(outcome) };
      }
      const tableName = options.table?.trim() || undefined;
      const words = saveWordsOf(input, parsed);
      return enqueue(user, { tweet: words.tweet, comment: words.comment, tags: words.tags, thread: options.thread, tableName, force: options.force });
    },

    async saveAgain(user, pageId) {
      const record = await deps.saveIndex.findByPage(user, pageId);
      if (!record) {
        const outcome = { kind: 'not_found' } as const;
        return { outcome, result: Promise.resolve(outcome) };
      }
      log.info({ event: 'save.again', platform: user.platform }, 'saving a tweet again');
      return enqueue(user, { tweet: record.tweet, dataSourceId: record.dataSourceId, force: true });
    },

    async undoSave(user, pageId) {
      const record = await deps.saveIndex.findByPage(user, pageId);
      if (!record) return { kind: 'not_found' };
      const conn = await connections.get(user);
      if (!conn) return { kind: 'not_connected', connectUrl: (await newConnectLink(user)).url };
      try {
        const ran = await lost.withLiveConnection(user, conn, (c) =>
          withAccess(user, c, async (token) => {
            const result = await notion.trashPage(token, record.pageId);
            // Notion's 404 means deleted or no longer shared alike; the row's table tells them apart.
            if (result === 'gone' && !(await notion.canReadTable(token, record.dataSourceId))) return 'unreachable' as const;
            return result;
          }),
        );
        if (ran.kind !== 'done') return await lostReply(ran, user);
        const { value } = ran.value;
        log.info({ event: 'save.undone', platform: user.platform, result: value }, 'undo answered');
        if (value === 'unreachable') {
          // The row may still be there: the save stays known, so the duplicate guard and Undo work once the table is shared again.
          return { kind: 'unreachable', table: record.table, connectUrl: (await newConnectLink(user)).url };
        }
        await deps.saveIndex.forget(user, record);
        return value === 'trashed' ? { kind: 'removed', table: record.table, tweet: record.tweet } : { kind: 'already_deleted', table: record.table };
      } catch (err) {
        log.warn({ event: 'save.undo_failed', platform: user.platform, code: errorCode(err) }, 'undo failed');
        return { kind: 'failed', reason: DomainError.is(err) ? 'notion_unavailable' : 'internal' };
      }
    },

    canAddNote: notes.canAddNote,
    addNote: notes.addNote,

    chooseTarget(user, dataSourceId) {
      return withTables(user, async (conn) => {
        const listed = await withAccess(user, conn, (token) => notion.listTables(token));
        recentTables.remember(user, listed.conn, listed.value);
        const table = listed.value.find((t) => sameId(t.dataSourceId, dataSourceId));
        if (!table) return { kind: 'unknown_table', tables: usableChoices(listed.value) };
        if (!table.mapping) return unusableStatus(table);
        const target = toSaveTarget({ ...table, mapping: table.mapping });
        await storeTarget(connections, user, listed.conn, target);
        log.info({ event: 'target.chosen', platform: user.platform }, 'table chosen');
        replayInBackground(user);
        return ready(target);
      });
    },

    createTweetsTable(user, pageId) {
      const create = () =>
        withTables(user, async (conn) => {
          // An offer clicked again later (an old DM, another device) must not add a second table, as
          // long as the one made before is still there and can take tweets; else a new one is made.
          const before = conn.target;
          if (!conn.lostAccessAt && before && sameId(before.parentPageId, pageId)) {
            const listed = await withAccess(user, conn, (token) => notion.listTables(token));
            if (listed.value.some((t) => t.mapping && sameId(t.dataSourceId, before.dataSourceId))) return created(before);
            conn = listed.conn;
          }
          const made = await withAccess(user, conn, (token) => notion.createTweetsTable(token, pageId));
          const table = made.value;
          const target = toSaveTarget({ ...table, parentPageId: table.parentPageId ?? pageId, mapping: table.mapping! });
          await storeTarget(connections, user, made.conn, target);
          // The remembered tables lack the new one: the next status lists them again.
          recentTables.forget(user);
          log.info({ event: 'target.created', platform: user.platform }, 'Tweets table created');
          replayInBackground(user);
          return created(target);
        });
      // Another click holds the page. When it made the table earlier, `create` answers with that
      // table if it is still there and usable, and makes a new one if not; else (still creating on
      // another instance, or failed) say where saves go now.
      const current = async () => {
        const target = (await connections.get(user))?.target;
        if (target && sameId(target.parentPageId, pageId)) return create();
        return withTables(user, async (conn) => (conn.target ? ready(conn.target) : (await discover(user, conn)).status));
      };
      return tableOnce(user, pageId, create, current);
    },

    async disconnectUser(user) {
      let conn: NotionConnection | undefined;
      try {
        conn = await connections.get(user);
      } catch (err) {
        if (!(err instanceof StoreDecryptError)) throw err;
      }
      if (conn && !conn.lostAccessAt) {
        try {
          await notion.revokeToken(conn.accessToken);
        } catch (err) {
          log.warn({ event: 'disconnect.revoke_failed', platform: user.platform, code: errorCode(err) }, 'revoke failed; deleting locally anyway');
        }
      }
      const existed = await connections.delete(user);
      recentTables.forget(user);
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

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SaveOutcome } from '../../../src/core/outcomes.js';
import type { PendingSave } from '../../../src/core/ports.js';
import { createLogger } from '../../../src/log.js';
import { openStore, type OpenedStore } from '../../../src/store/open-store.js';
import { completeConnect } from '../../helpers/connect-flow.js';
import { answersSince } from '../../helpers/core-notices.js';
import { JACK as LINK, sam, WITH_TEXT } from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/product.js';
import { useCoreWorld } from '../../helpers/use-world.js';
import { tempDir } from '../../unit/store/helpers.js';

/**
 * Core against the emulated Notion, over a sqlite store this test can also open: what happens when
 * Notion stops accepting a connection, in a save or outside one.
 */
describe('lost access', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let storeConfig: { storeUrl: string; tokenEncryptionKey: string; dataDir: string; nodeEnv: string };
  let inspiration: { dataSourceId: string; databaseId: string };

  // Registered before the world's hooks: the store's directory is made before the world starts and removed after it stops.
  beforeEach(async () => {
    dir = await tempDir();
    storeConfig = {
      storeUrl: `sqlite://${join(dir.path, 'store.sqlite')}`,
      tokenEncryptionKey: randomBytes(32).toString('base64'),
      dataDir: dir.path,
      nodeEnv: 'test',
    };
  });
  afterEach(async () => {
    await dir.remove();
  });
  const w = useCoreWorld(() => ({
    table: { title: 'Twitter', properties: WITH_TEXT },
    env: { STORE_URL: storeConfig.storeUrl, TOKEN_ENCRYPTION_KEY: storeConfig.tokenEncryptionKey },
  }));
  beforeEach(() => {
    inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
  });

  const core = () => w.product.app.core;
  const save = async (text: string, options?: { table?: string }): Promise<SaveOutcome> =>
    await core().saveResult(await core().saveTweet(sam, { text }, options));
  const liveRows = (dataSourceId: string) => w.notion.rows(dataSourceId).filter((r) => !r.inTrash);

  /** Connected, with Twitter chosen as the default table. */
  async function connect() {
    expect((await completeConnect((await core().connectUser(sam)).url, w.notion)).status).toBe(200);
    await core().idle();
    expect(await core().chooseTarget(sam, w.table.dataSourceId)).toMatchObject({ kind: 'ready', table: 'Twitter' });
  }

  /** The connection as stored now, read through a second handle on the product's store. */
  async function storedConnection() {
    const store: OpenedStore = await openStore(storeConfig, createLogger('silent'));
    try {
      return await store.connections.get(sam);
    } finally {
      await store.close();
    }
  }

  /** What is kept now, read (and left) through a second handle on the product's store. */
  async function keptSaves(): Promise<PendingSave[]> {
    const store: OpenedStore = await openStore(storeConfig, createLogger('silent'));
    const looking = new Error('only looking');
    let kept: PendingSave[] = [];
    try {
      await store.pendingSaves
        .takeAll(sam, async (saves) => {
          kept = saves;
          throw looking;
        })
        .catch((err: unknown) => {
          if (err !== looking) throw err;
        });
      return kept;
    } finally {
      await store.close();
    }
  }

  const refreshes = () => w.notion.requests.filter((r) => r.grantType === 'refresh_token').length;

  /** Reconnects from the one DM; the answers of the kept saves it replayed (jobs run at once: in any order). */
  async function reconnectFromDm(): Promise<SaveOutcome[]> {
    expect(w.notices.reconnect).toHaveLength(1);
    const mark = w.notices.saveResults.length;
    expect((await completeConnect(w.notices.reconnect[0]!.notice.connectUrl, w.notion)).status).toBe(200);
    await core().idle();
    return answersSince(w.notices, mark);
  }

  describe('kept saves', () => {
    it('"Save again" pressed while access is lost lands after the reconnect, in the row\'s table, as a new row', async () => {
      await connect();
      const inline = await save(LINK, { table: 'insp' });
      const plain = await save(LINK);
      if (inline.kind !== 'saved' || plain.kind !== 'saved') throw new Error(`${inline.kind} ${plain.kind}`);
      expect([inline.table, plain.table]).toEqual(['Inspiration', 'Twitter']);

      w.notion.revokeWorkspaceAccess(w.acme.id);
      for (const pageId of [inline.pageId, plain.pageId]) {
        expect(await await core().saveResult(await core().saveAgain(sam, pageId))).toMatchObject({
          kind: 'reconnect',
          kept: true,
        });
      }
      await core().idle();
      // The DM went with the first kept save; the second waits with it.
      expect(w.notices.reconnect[0]!.notice.pending).toBe(1);

      const outcomes = await reconnectFromDm();
      expect(outcomes).toHaveLength(2);
      expect(outcomes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'saved', table: 'Inspiration' }),
          expect.objectContaining({ kind: 'saved', table: 'Twitter' }),
        ]),
      );
      expect(liveRows(inspiration.dataSourceId)).toHaveLength(2);
      expect(liveRows(w.table.dataSourceId)).toHaveLength(2);
    });

    it('saves kept by an older version (no table id, no force flag) replay as they did then', async () => {
      await connect();
      expect((await save(LINK)).kind).toBe('saved');
      w.notion.revokeWorkspaceAccess(w.acme.id);
      expect(await save('@naval Play long-term games')).toMatchObject({ kind: 'reconnect', kept: true });
      await core().idle();

      // What older versions stored: the tweet, maybe a table name, and when.
      const old: PendingSave[] = [
        { tweet: { id: '20', url: LINK, handle: 'jack' }, queuedAt: new Date().toISOString() },
        {
          tweet: { id: '21', url: 'https://x.com/jack/status/21', handle: 'jack' },
          tableName: 'Insp',
          queuedAt: new Date().toISOString(),
        },
      ];
      const store: OpenedStore = await openStore(storeConfig, createLogger('silent'));
      try {
        for (const entry of old) await store.pendingSaves.add(sam, JSON.parse(JSON.stringify(entry)) as PendingSave);
      } finally {
        await store.close();
      }

      const outcomes = await reconnectFromDm();
      expect(outcomes.map((o) => [o.kind, 'table' in o ? o.table : undefined]).sort()).toEqual([
        // No force flag: the duplicate guard still answers for a tweet already in the table.
        ['already_saved', 'Twitter'],
        ['saved', 'Inspiration'],
        ['saved', 'Twitter'],
      ]);
      expect(liveRows(w.table.dataSourceId)).toHaveLength(2);
      expect(liveRows(inspiration.dataSourceId)).toHaveLength(1);
    });
  });

  describe('the dead connection', () => {
    it('keeps no token once Notion refused it, sends Notion nothing more, and a reconnect restores it', async () => {
      await connect();
      const saved = await save(LINK);
      if (saved.kind !== 'saved') throw new Error(saved.kind);
      w.notion.revokeWorkspaceAccess(w.acme.id);
      expect(await save('@naval Play long-term games')).toMatchObject({ kind: 'reconnect', kept: true });
      await core().idle();

      const store: OpenedStore = await openStore(storeConfig, createLogger('silent'));
      try {
        const dead = await store.connections.get(sam);
        expect(dead).toMatchObject({
          accessToken: '',
          refreshToken: null,
          workspaceName: 'Acme',
          target: { title: 'Twitter' },
        });
        expect(dead?.lostAccessAt).toEqual(expect.any(String));
      } finally {
        await store.close();
      }

      const before = w.notion.requests.length;
      expect(await core().undoSave(sam, saved.pageId)).toMatchObject({ kind: 'reconnect' });
      expect(await core().connectionStatus(sam)).toMatchObject({
        connected: true,
        needsReconnect: true,
        target: { kind: 'ready', table: 'Twitter' },
      });
      expect(w.notion.requests.length).toBe(before);

      const outcomes = await reconnectFromDm();
      expect(outcomes.map((o) => o.kind)).toEqual(['saved']);
      expect(await core().connectionStatus(sam)).toMatchObject({
        connected: true,
        target: { kind: 'ready', table: 'Twitter' },
      });
      expect(await core().connectionStatus(sam)).not.toHaveProperty('needsReconnect');
    });
  });

  describe('outside a save', () => {
    it('Undo, choosing a table and creating one each mark the connection dead, with one Reconnect DM in all', async () => {
      const reading = w.notion.addPage(w.acme.id, { title: 'Reading' });
      await connect();
      const saved = await save(LINK);
      if (saved.kind !== 'saved') throw new Error(saved.kind);
      w.notion.revokeWorkspaceAccess(w.acme.id);

      const undo = await core().undoSave(sam, saved.pageId);
      expect(undo).toMatchObject({
        kind: 'reconnect',
        connectUrl: expect.stringMatching(/\/oauth\/notion\/start\?t=/),
      });
      expect(await core().connectionStatus(sam)).toMatchObject({ connected: true, needsReconnect: true });
      expect(await core().chooseTarget(sam, inspiration.dataSourceId)).toMatchObject({ kind: 'reconnect' });
      expect(await core().createTweetsTable(sam, reading.pageId)).toMatchObject({ kind: 'reconnect' });
      expect(await save('@naval Play long-term games')).toMatchObject({ kind: 'reconnect', kept: true });
      await core().idle();

      expect(w.notices.reconnect).toHaveLength(1);
      // Sent by the Undo, before any save was kept.
      expect(w.notices.reconnect[0]!.notice).toMatchObject({ workspaceName: 'Acme', pending: 0 });
      expect(liveRows(w.table.dataSourceId)).toHaveLength(1);
      expect(w.notion.tables(w.acme.id)).toHaveLength(2);

      // The reconnect brings the kept save in; the Undo can then be pressed again.
      expect(await reconnectFromDm()).toEqual([expect.objectContaining({ kind: 'saved', table: 'Twitter' })]);
      expect(await core().undoSave(sam, saved.pageId)).toMatchObject({ kind: 'removed', table: 'Twitter' });
    });

    it.each(['choose', 'create'] as const)('a lost connection found by "%s" alone sends the one DM', async (action) => {
      const reading = w.notion.addPage(w.acme.id, { title: 'Reading' });
      await connect();
      w.notion.revokeWorkspaceAccess(w.acme.id);
      const outcome =
        action === 'choose'
          ? await core().chooseTarget(sam, inspiration.dataSourceId)
          : await core().createTweetsTable(sam, reading.pageId);
      expect(outcome).toMatchObject({ kind: 'reconnect' });
      await core().idle();
      expect(w.notices.reconnect.map((n) => n.notice.pending)).toEqual([0]);
      expect(await core().connectionStatus(sam)).toMatchObject({ needsReconnect: true });
    });
  });
  describe('an expired access token is not a lost connection', () => {
    it('two saves at once: one refresh, both land, and the connection keeps the new tokens', async () => {
      await connect();
      w.notion.expireAccessTokens(w.acme.id);
      const outcomes = await Promise.all([save(LINK), save('https://x.com/jack/status/21')]);
      await core().idle();

      expect(outcomes.map((o) => o.kind)).toEqual(['saved', 'saved']);
      expect(liveRows(w.table.dataSourceId)).toHaveLength(2);
      expect(refreshes()).toBe(1);
      expect(w.notices.reconnect).toEqual([]);
      const conn = await storedConnection();
      expect(conn?.lostAccessAt).toBeUndefined();
      expect(conn?.accessToken).not.toBe('');
      expect(w.notion.activeTokenCount(w.acme.id)).toBe(1);

      // The stored pair is the working one: the next save needs no refresh.
      expect(await save('https://x.com/jack/status/22')).toMatchObject({ kind: 'saved', table: 'Twitter' });
      expect(refreshes()).toBe(1);
    });

    it('a refresh followed by a refused row (a renamed column): the second look uses the new tokens, and the save lands', async () => {
      await connect();
      w.notion.renameProperty(w.table.dataSourceId, 'Tweet', 'Body');
      w.notion.expireAccessTokens(w.acme.id);
      expect(await save(LINK)).toMatchObject({ kind: 'saved', table: 'Twitter' });
      await core().idle();

      expect(refreshes()).toBe(1);
      expect(w.notices.reconnect).toEqual([]);
      expect((await storedConnection())?.lostAccessAt).toBeUndefined();
      expect(liveRows(w.table.dataSourceId)).toHaveLength(1);
      expect(liveRows(inspiration.dataSourceId)).toEqual([]);
    });

    it('Undo, a table choice and the status after an expiry each refresh once between them and mark nothing', async () => {
      await connect();
      const saved = await save(LINK);
      if (saved.kind !== 'saved') throw new Error(saved.kind);
      w.notion.expireAccessTokens(w.acme.id);
      const [undo, chosen] = await Promise.all([
        core().undoSave(sam, saved.pageId),
        core().chooseTarget(sam, inspiration.dataSourceId),
      ]);
      expect(undo).toMatchObject({ kind: 'removed', table: 'Twitter' });
      expect(chosen).toMatchObject({ kind: 'ready', table: 'Inspiration' });
      expect(await core().connectionStatus(sam)).toMatchObject({
        connected: true,
        target: { kind: 'ready', table: 'Inspiration' },
      });
      await core().idle();
      expect(refreshes()).toBe(1);
      expect(w.notices.reconnect).toEqual([]);
      expect((await storedConnection())?.lostAccessAt).toBeUndefined();
    });
  });

  describe('kept saves whose replay after the reconnect could not run', () => {
    /** Access lost with one save kept, then a reconnect while Notion is too busy for the follow-up. */
    async function keepOneThenReconnectBusy() {
      await connect();
      w.notion.revokeWorkspaceAccess(w.acme.id);
      expect(await save(LINK)).toMatchObject({ kind: 'reconnect', kept: true });
      await core().idle();
      expect((await storedConnection())?.pendingSince).toEqual(expect.any(String));
      // Every attempt the SDK makes at the first call after the callback is refused: the follow-up gives up.
      w.notion.rateLimitNext(3, 0);
      expect(
        (await completeConnect(w.notices.reconnect[0]!.notice.connectUrl, w.notion, { share: [w.table.databaseId] }))
          .status,
      ).toBe(200);
      await core().idle();
      expect(answersSince(w.notices, 0).map((o) => o.kind)).toEqual(['reconnect']);
      expect((await storedConnection())?.pendingSince).toEqual(expect.any(String));
      expect(await keptSaves()).toHaveLength(1);
    }

    it('land with the next save once a table is ready, and the user hears once', async () => {
      await keepOneThenReconnectBusy();
      const mark = w.notices.saveResults.length;
      expect(await save('https://x.com/jack/status/21')).toMatchObject({ kind: 'saved', table: 'Twitter' });
      await core().idle();

      // The new save's answer and the kept one's, in either order.
      const answers = answersSince(w.notices, mark).map((o) => [o.kind, 'tweet' in o ? o.tweet?.id : undefined]);
      expect(answers.sort()).toEqual([
        ['saved', '20'],
        ['saved', '21'],
      ]);
      expect(liveRows(w.table.dataSourceId)).toHaveLength(2);
      expect(await keptSaves()).toEqual([]);
      expect((await storedConnection())?.pendingSince).toBeUndefined();

      // Nothing is waiting any more: later saves replay nothing and nobody is told again.
      expect(await save('https://x.com/jack/status/22')).toMatchObject({ kind: 'saved' });
      await core().idle();
      expect(answersSince(w.notices, mark)).toHaveLength(3);
    });

    it('land when the status is next looked at (the Home tab, /notion-connect)', async () => {
      await keepOneThenReconnectBusy();
      const mark = w.notices.saveResults.length;
      expect(await core().connectionStatus(sam)).toMatchObject({
        connected: true,
        target: { kind: 'ready', table: 'Twitter' },
      });
      await waitFor(() => answersSince(w.notices, mark).length === 1, { what: 'the kept save to land' });
      expect(answersSince(w.notices, mark)).toEqual([expect.objectContaining({ kind: 'saved', table: 'Twitter' })]);
      expect(liveRows(w.table.dataSourceId)).toHaveLength(1);
      expect(liveRows(inspiration.dataSourceId)).toEqual([]);
    });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatUser } from '../../src/core/chat-user.js';
import type { ConnectedNotice, ReconnectNotice, SaveOutcome } from '../../src/core/outcomes.js';
import { type NotionSandbox } from '../../src/sandbox/notion/notion-sandbox.js';
import { completeConnect } from '../helpers/connect-flow.js';
import { startWorld, type World } from '../helpers/world.js';
import { TEST_CLIENT, waitFor, type Product } from '../helpers/product.js';

const sam: ChatUser = { platform: 'slack', teamId: 'T1', userId: 'U1', displayName: 'sam' };
const kim: ChatUser = { platform: 'discord', userId: '80351110224678912', displayName: 'kim' };
const LINK = 'https://x.com/jack/status/20';

/** Core-level checks of the save experience (duplicates, Undo, zero-config table, reconnect, inline table). */
describe('saving like people expect', () => {
  let world: World;
  let notion: NotionSandbox;
  let product: Product;
  let acme: { id: string };
  let twitter: { dataSourceId: string; databaseId: string };
  let events: {
    connected: { user: ChatUser; notice: ConnectedNotice }[];
    reconnect: { user: ChatUser; notice: ReconnectNotice }[];
    pendingSaved: { user: ChatUser; outcomes: SaveOutcome[] }[];
  };

  beforeEach(async () => {
    world = await startWorld({ table: { title: 'Twitter', properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' } } });
    ({ notion, product, acme, table: twitter } = world);
    events = { connected: [], reconnect: [], pendingSaved: [] };
    for (const platform of ['slack', 'discord'] as const) {
      product.app.core.registerNotifier(platform, {
        notifyConnected: async (user, notice) => void events.connected.push({ user, notice }),
        notifyReconnectNeeded: async (user, notice) => void events.reconnect.push({ user, notice }),
        notifyPendingSaved: async (user, outcomes) => void events.pendingSaved.push({ user, outcomes }),
      });
    }
  });
  afterEach(() => world.stop());

  const core = () => product.app.core;
  const save = async (user: ChatUser, text: string, options?: { table?: string }) => (await core().saveTweet(user, { text }, options)).result;
  const liveRows = (dataSourceId: string) => notion.rows(dataSourceId).filter((r) => !r.inTrash);

  async function connect(user: ChatUser, opts: Parameters<typeof completeConnect>[2] = {}) {
    const page = await completeConnect((await core().connectUser(user)).url, notion, opts);
    expect(page.status).toBe(200);
    await core().idle();
  }

  describe('duplicate guard', () => {
    it('answers "Already saved" with the existing row, without calling Notion', async () => {
      await connect(sam);
      const first = await save(sam, LINK);
      expect(first.kind).toBe('saved');
      const calls = notion.requests.length;
      const second = await save(sam, `<${LINK}?s=20&amp;t=abc>`);
      expect(second).toMatchObject({ kind: 'already_saved', pageUrl: first.kind === 'saved' ? first.pageUrl : '', table: 'Twitter' });
      expect(notion.requests.length).toBe(calls);
      expect(liveRows(twitter.dataSourceId)).toHaveLength(1);
    });

    it('writes one row when the same tweet arrives several times at once', async () => {
      await connect(sam);
      const outcomes = await Promise.all([save(sam, LINK), save(sam, LINK), save(sam, `${LINK} just setting up my twttr`)]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['already_saved', 'already_saved', 'saved']);
      expect(liveRows(twitter.dataSourceId)).toHaveLength(1);
    });

    it('keeps users apart: the same tweet saved by two users is two rows in their own tables', async () => {
      const other = notion.addWorkspace({ name: 'Kim HQ' });
      const kimTable = notion.addTable(other.id, { title: 'Saved', properties: { Name: 'title', Tweet: 'rich_text' } });
      await connect(sam, { workspaceId: acme.id });
      await connect(kim, { workspaceId: other.id });
      expect((await save(sam, LINK)).kind).toBe('saved');
      expect((await save(kim, LINK)).kind).toBe('saved');
      expect(liveRows(twitter.dataSourceId)).toHaveLength(1);
      expect(liveRows(kimTable.dataSourceId)).toHaveLength(1);
    });

    it('"Save again" writes a second row on purpose; another user cannot use the button', async () => {
      await connect(sam);
      const first = await save(sam, LINK);
      if (first.kind !== 'saved') throw new Error(first.kind);
      expect((await (await core().saveAgain(kim, first.pageId)).result).kind).toBe('not_found');
      const again = await (await core().saveAgain(sam, first.pageId)).result;
      expect(again).toMatchObject({ kind: 'saved', table: 'Twitter' });
      expect(liveRows(twitter.dataSourceId)).toHaveLength(2);
    });
  });

  describe('undo', () => {
    it('moves the row to the trash and forgets the tweet, so it can be saved again', async () => {
      await connect(sam);
      const saved = await save(sam, LINK);
      if (saved.kind !== 'saved') throw new Error(saved.kind);
      expect(await core().undoSave(sam, saved.pageId)).toEqual({ kind: 'removed', table: 'Twitter', tweet: expect.objectContaining({ handle: 'jack' }) });
      expect(notion.rows(twitter.dataSourceId)).toEqual([expect.objectContaining({ id: saved.pageId, inTrash: true })]);
      expect(await core().undoSave(sam, saved.pageId)).toEqual({ kind: 'not_found' });
      expect((await save(sam, LINK)).kind).toBe('saved');
    });

    it('only the user who saved can undo', async () => {
      await connect(sam);
      const saved = await save(sam, LINK);
      if (saved.kind !== 'saved') throw new Error(saved.kind);
      expect(await core().undoSave(kim, saved.pageId)).toEqual({ kind: 'not_found' });
      expect(liveRows(twitter.dataSourceId)).toHaveLength(1);
    });

    it('says so plainly when the row was already deleted in Notion (trashed, or deleted for good)', async () => {
      await connect(sam);
      const trashed = await save(sam, LINK);
      const deleted = await save(sam, '@naval Play long-term games');
      if (trashed.kind !== 'saved' || deleted.kind !== 'saved') throw new Error(`${trashed.kind} ${deleted.kind}`);
      notion.trashRow(trashed.pageId);
      notion.deleteRow(deleted.pageId);
      expect(await core().undoSave(sam, trashed.pageId)).toEqual({ kind: 'already_deleted', table: 'Twitter' });
      expect(await core().undoSave(sam, deleted.pageId)).toEqual({ kind: 'already_deleted', table: 'Twitter' });
      // Forgotten: saving it again writes a new row.
      expect(await save(sam, '@naval Play long-term games')).toMatchObject({ kind: 'saved', table: 'Twitter' });
    });
  });

  describe('zero-config table', () => {
    it('uses the table inside the template Notion duplicated, without asking', async () => {
      notion.setTemplate(TEST_CLIENT.clientId, { pageTitle: 'Tweet saver', table: { title: 'Tweets', properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' } } });
      await connect(sam); // shares Twitter too: without the template this would ask for a choice
      expect(events.connected[0]!.notice.status).toMatchObject({ kind: 'ready', table: 'Tweets' });
      const tweets = notion.tables(acme.id).find((t) => t.title === 'Tweets')!;
      expect((await save(sam, LINK)).kind).toBe('saved');
      expect(liveRows(tweets.dataSourceId)).toHaveLength(1);
      expect(liveRows(twitter.dataSourceId)).toHaveLength(0);
    });

    it('offers to create a Tweets table when only a page is shared, and saves into it', async () => {
      const ws = notion.addWorkspace({ name: 'Pages only' });
      const reading = notion.addPage(ws.id, { title: 'Reading' });
      await connect(kim, { workspaceId: ws.id, share: [reading.pageId] });
      expect(events.connected[0]!.notice.status).toEqual({ kind: 'create_offer', pages: [{ id: expect.any(String), title: 'Reading' }] });
      expect(await save(kim, LINK)).toMatchObject({ kind: 'needs_table', status: { kind: 'create_offer' }, kept: true });

      expect(await core().createTweetsTable(kim, reading.pageId)).toMatchObject({ kind: 'created', table: 'Tweets', pageTitle: 'Reading' });
      const created = notion.tables(ws.id).find((t) => t.title === 'Tweets')!;
      // The tweet sent before the table existed lands in it.
      await waitFor(() => events.pendingSaved.length === 1, { what: 'the kept tweet to land' });
      expect(events.pendingSaved[0]!.outcomes).toEqual([expect.objectContaining({ kind: 'saved', table: 'Tweets' })]);
      expect((await save(kim, LINK)).kind).toBe('already_saved');
      const [row] = liveRows(created.dataSourceId);
      expect(row!.properties).toMatchObject({ Handle: { title: [expect.objectContaining({ plain_text: '@jack' })] }, Link: { url: LINK } });
      expect((row!.properties.Saved as { date: { start: string } }).date.start).toBeTruthy();
    });
  });

  describe('one-click reconnect', () => {
    it('refreshes an expired access token and saves without bothering the user', async () => {
      await connect(sam);
      notion.expireAccessTokens(acme.id);
      expect((await save(sam, LINK)).kind).toBe('saved');
      expect(notion.requests.filter((r) => r.grantType === 'refresh_token')).toHaveLength(1);
      expect(events.reconnect).toHaveLength(0);
      expect((await save(sam, '@jack second')).kind).toBe('saved');
    });

    it('sends one reconnect DM, keeps the saves made meanwhile, and lands them after the reconnect', async () => {
      await connect(sam);
      notion.revokeWorkspaceAccess(acme.id);
      const first = await save(sam, LINK);
      const second = await save(sam, '@naval Play long-term games with long-term people.');
      expect(first).toMatchObject({ kind: 'reconnect', kept: true });
      expect(second).toMatchObject({ kind: 'reconnect', kept: true });
      await core().idle();
      expect(events.reconnect).toHaveLength(1);
      expect(events.reconnect[0]!.notice).toMatchObject({ workspaceName: 'Acme', pending: 1 });
      expect(liveRows(twitter.dataSourceId)).toHaveLength(0);

      const page = await completeConnect(events.reconnect[0]!.notice.connectUrl, notion);
      expect(page.status).toBe(200);
      await waitFor(() => events.pendingSaved.length === 1, { what: 'the kept saves to land' });
      expect(events.pendingSaved[0]!.outcomes.map((o) => o.kind)).toEqual(['saved', 'saved']);
      expect(liveRows(twitter.dataSourceId)).toHaveLength(2);
      const status = await core().connectionStatus(sam);
      expect(status).toMatchObject({ connected: true });
      expect(status).not.toHaveProperty('needsReconnect');

      // A later loss of access gets its own single DM.
      notion.revokeWorkspaceAccess(acme.id);
      await save(sam, '@jack third');
      await core().idle();
      expect(events.reconnect).toHaveLength(2);
    });
  });

  describe('choose the table inline (the `table` option /save-tweet passes)', () => {
    it('saves once to the table named (prefix, any case) and keeps the default', async () => {
      const inspiration = notion.addTable(acme.id, { title: 'Inspiration', properties: { Name: 'title', Tweet: 'rich_text' } });
      await connect(sam);
      await core().chooseTarget(sam, twitter.dataSourceId);
      expect(await save(sam, LINK, { table: 'insp' })).toMatchObject({ kind: 'saved', table: 'Inspiration' });
      expect(await save(sam, '@naval hello')).toMatchObject({ kind: 'saved', table: 'Twitter' });
      expect(liveRows(inspiration.dataSourceId)).toHaveLength(1);
      expect(liveRows(twitter.dataSourceId)).toHaveLength(1);
    });

    it('"Save again" on a row saved inline goes to that row\'s table, not the default', async () => {
      const inspiration = notion.addTable(acme.id, { title: 'Inspiration', properties: { Name: 'title', Tweet: 'rich_text' } });
      await connect(sam);
      await core().chooseTarget(sam, twitter.dataSourceId);
      const first = await save(sam, LINK, { table: 'insp' });
      if (first.kind !== 'saved') throw new Error(first.kind);
      expect(await (await core().saveAgain(sam, first.pageId)).result).toMatchObject({ kind: 'saved', table: 'Inspiration' });
      expect(liveRows(inspiration.dataSourceId)).toHaveLength(2);
      expect(liveRows(twitter.dataSourceId)).toHaveLength(0);
    });

    it('lists the shared tables when the name matches none', async () => {
      await connect(sam);
      expect(await save(sam, LINK, { table: 'Recipes' })).toEqual({ kind: 'unknown_table', name: 'Recipes', tables: [{ id: twitter.dataSourceId, title: 'Twitter' }] });
      expect(liveRows(twitter.dataSourceId)).toHaveLength(0);
    });

    it('reads no table name out of the text: "<link> to everyone who asked" is a message, saved to the default', async () => {
      const everyone = notion.addTable(acme.id, { title: 'Everyone', properties: { Name: 'title', Tweet: 'rich_text' } });
      await connect(sam);
      await core().chooseTarget(sam, twitter.dataSourceId);
      expect(await save(sam, `${LINK} to everyone who asked`)).toMatchObject({ kind: 'saved', table: 'Twitter' });
      expect(liveRows(everyone.dataSourceId)).toHaveLength(0);
      expect(liveRows(twitter.dataSourceId)).toHaveLength(1);
    });

    it('does not mistake tweet text with " to " for a table', async () => {
      await connect(sam);
      expect(await save(sam, '@jack going to the store')).toMatchObject({ kind: 'saved', table: 'Twitter' });
    });
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatUser } from '../../src/core/chat-user.js';
import type { SaveOutcome } from '../../src/core/outcomes.js';
import { type NotionSandbox } from '../../src/sandbox/notion/notion-sandbox.js';
import { completeConnect } from '../helpers/connect-flow.js';
import { recordNotices, type CoreNotices } from '../helpers/core-notices.js';
import { startWorld, type World } from '../helpers/world.js';
import { waitFor, type Product } from '../helpers/product.js';

const sam: ChatUser = { platform: 'slack', teamId: 'T1', userId: 'U1', displayName: 'sam' };
const kim: ChatUser = { platform: 'discord', userId: '80351110224678912', displayName: 'kim' };
const LINK = 'https://x.com/jack/status/20';
const TWEET_COLUMN = { name: 'Tweet', type: 'Text' };
const WITH_TEXT = { Name: 'title', Tweet: 'rich_text', Link: 'url' };

/**
 * Core against the emulated Notion: a table that cannot take a tweet gets its column help (and the
 * create-table offer when pages are shared), never a silent switch; a table is created once however
 * often the button is pressed; the status shows what to do before the first save.
 */
describe('table help', () => {
  let world: World;
  let notion: NotionSandbox;
  let product: Product;
  let acme: { id: string };
  let twitter: { dataSourceId: string; databaseId: string };
  let notices: CoreNotices;

  beforeEach(async () => {
    world = await startWorld({ table: { title: 'Twitter', properties: WITH_TEXT } });
    ({ notion, product, acme, table: twitter } = world);
    notices = recordNotices(product.app.core);
  });
  afterEach(() => world.stop());

  const core = () => product.app.core;
  const save = async (user: ChatUser, text: string, options?: { table?: string }): Promise<SaveOutcome> => (await core().saveTweet(user, { text }, options)).result;
  const liveRows = (dataSourceId: string) => notion.rows(dataSourceId).filter((r) => !r.inTrash);

  async function connect(user: ChatUser, opts: Parameters<typeof completeConnect>[2] = {}) {
    const page = await completeConnect((await core().connectUser(user)).url, notion, opts);
    expect(page.status).toBe(200);
    await core().idle();
  }

  describe('the chosen table loses its text column', () => {
    it.each([
      ['one other usable table', ['Inspiration']],
      ['several other usable tables', ['Inspiration', 'Ideas']],
    ])('with %s: names the column, keeps the table and the tweets; the next save after adding it lands there, and so do they', async (_, others) => {
      const otherTables = others.map((title) => notion.addTable(acme.id, { title, properties: WITH_TEXT }));
      await connect(sam);
      await core().chooseTarget(sam, twitter.dataSourceId);
      const first = await save(sam, LINK);
      if (first.kind !== 'saved') throw new Error(first.kind);

      notion.removeProperty(twitter.dataSourceId, 'Tweet');
      const help = { kind: 'needs_table', status: { kind: 'unusable', table: 'Twitter', missing: TWEET_COLUMN }, kept: true };
      expect(await save(sam, '@naval Play long-term games')).toEqual(help);
      // "Save again" of a row in it gets the same help, not "Notion refused the row".
      expect(await (await core().saveAgain(sam, first.pageId)).result).toEqual(help);
      expect(await core().connectionStatus(sam)).toMatchObject({ connected: true, target: { kind: 'ready', table: 'Twitter' } });
      // The status look tried the kept saves; they still cannot land, so they wait on, unreported.
      await core().idle();
      expect(notices.pendingSaved).toEqual([]);
      for (const t of otherTables) expect(notion.rows(t.dataSourceId)).toEqual([]);

      notion.addProperty(twitter.dataSourceId, 'Tweet', 'rich_text');
      expect(await save(sam, '@naval Play long-term games')).toMatchObject({ kind: 'saved', table: 'Twitter' });
      await waitFor(() => notices.pendingSaved.length === 1, { what: 'the kept saves to land' });
      // Naval was saved again meanwhile (kept once, however often it was sent); "Save again" adds its row.
      expect(notices.pendingSaved[0]!.outcomes.map((o) => o.kind)).toEqual(['already_saved', 'saved']);
      expect(liveRows(twitter.dataSourceId)).toHaveLength(3);
      for (const t of otherTables) expect(notion.rows(t.dataSourceId)).toEqual([]);
    });

    it('a chosen table that is gone (unshared) still gives way to the only other usable one', async () => {
      const inspiration = notion.addTable(acme.id, { title: 'Inspiration', properties: WITH_TEXT });
      await connect(sam);
      await core().chooseTarget(sam, twitter.dataSourceId);
      notion.unshare(acme.id, twitter.databaseId);
      expect(await save(sam, LINK)).toMatchObject({ kind: 'saved', table: 'Inspiration' });
      expect(liveRows(inspiration.dataSourceId)).toHaveLength(1);
    });
  });

  describe('/save-tweet <link> to <name>', () => {
    it('names the column a matching table lacks, instead of "no shared table is called"', async () => {
      const links = notion.addTable(acme.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
      await connect(sam);
      expect(await save(sam, LINK, { table: 'links' })).toEqual({ kind: 'needs_table', status: { kind: 'unusable', table: 'Links', missing: TWEET_COLUMN }, kept: true });
      expect(notion.rows(links.dataSourceId)).toEqual([]);
      expect(notion.rows(twitter.dataSourceId)).toEqual([]);

      notion.addProperty(links.dataSourceId, 'Tweet', 'rich_text');
      expect(await save(sam, LINK, { table: 'Li' })).toMatchObject({ kind: 'saved', table: 'Links' });
      // The kept one was the same tweet for the same table: it finds the row, and nothing is written twice.
      await waitFor(() => notices.pendingSaved.length === 1, { what: 'the kept save to run' });
      expect(notices.pendingSaved[0]!.outcomes).toEqual([expect.objectContaining({ kind: 'already_saved', table: 'Links' })]);
      expect(liveRows(links.dataSourceId)).toHaveLength(1);
    });

    it('an unknown name lists every shared table, usable or not', async () => {
      const links = notion.addTable(acme.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
      await connect(sam);
      const outcome = await save(sam, LINK, { table: 'Recipes' });
      expect(outcome).toMatchObject({ kind: 'unknown_table', name: 'Recipes' });
      expect(outcome.kind === 'unknown_table' && outcome.tables).toEqual(
        expect.arrayContaining([
          { id: twitter.dataSourceId, title: 'Twitter' },
          { id: links.dataSourceId, title: 'Links' },
        ]),
      );
      expect(notion.rows(twitter.dataSourceId)).toEqual([]);
    });

    it('a prefix shared by an unusable and a usable table picks the usable one', async () => {
      notion.addTable(acme.id, { title: 'Reading notes', properties: { Name: 'title' } });
      const list = notion.addTable(acme.id, { title: 'Reading list', properties: WITH_TEXT });
      await connect(sam);
      expect(await save(sam, LINK, { table: 'reading' })).toMatchObject({ kind: 'saved', table: 'Reading list' });
      expect(liveRows(list.dataSourceId)).toHaveLength(1);
    });
  });

  describe('pages shared but no usable table', () => {
    it('offers to create a Tweets table next to the column help, and the next save lands in it', async () => {
      const ws = notion.addWorkspace({ name: 'Half' });
      const links = notion.addTable(ws.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
      const reading = notion.addPage(ws.id, { title: 'Reading' });
      await connect(kim, { workspaceId: ws.id });
      const offer = { kind: 'unusable', table: 'Links', missing: TWEET_COLUMN, pages: [{ id: expect.any(String), title: 'Reading' }] };
      expect(notices.connected[0]!.notice.status).toEqual(offer);
      expect(await save(kim, LINK)).toEqual({ kind: 'needs_table', status: offer, kept: true });

      expect(await core().createTweetsTable(kim, reading.pageId)).toMatchObject({ kind: 'created', table: 'Tweets', pageTitle: 'Reading' });
      const created = notion.tables(ws.id).find((t) => t.title === 'Tweets')!;
      await waitFor(() => notices.pendingSaved.length === 1, { what: 'the kept save to land' });
      expect(liveRows(created.dataSourceId)).toHaveLength(1);
      expect((await save(kim, LINK)).kind).toBe('already_saved');
      expect(liveRows(created.dataSourceId)).toHaveLength(1);
      expect(notion.rows(links.dataSourceId)).toEqual([]);
    });
  });

  describe('"Create a Tweets table" pressed more than once', () => {
    it('creates one table: simultaneous clicks share the result, a late click gets that table', async () => {
      const ws = notion.addWorkspace({ name: 'Pages only' });
      const reading = notion.addPage(ws.id, { title: 'Reading' });
      await connect(kim, { workspaceId: ws.id });
      const dashless = reading.pageId.replace(/-/g, '');
      const outcomes = await Promise.all([core().createTweetsTable(kim, reading.pageId), core().createTweetsTable(kim, dashless)]);
      expect(outcomes[0]).toMatchObject({ kind: 'created', table: 'Tweets', pageTitle: 'Reading' });
      expect(outcomes[1]).toEqual(outcomes[0]);
      // The page's title is not kept with the stored table (the store's schema lacks it): a later click names the table alone.
      expect(await core().createTweetsTable(kim, reading.pageId)).toMatchObject({ kind: 'created', table: 'Tweets', url: (outcomes[0] as { url: string }).url });
      expect(notion.tables(ws.id)).toHaveLength(1);
      expect(notion.requests.filter((r) => r.method === 'POST' && r.path === '/v1/databases')).toHaveLength(1);
    });

    it('an old offer clicked long after the table was made (past any claim) answers with that table and creates none', async () => {
      const ws = notion.addWorkspace({ name: 'Pages only' });
      const reading = notion.addPage(ws.id, { title: 'Reading' });
      await connect(kim, { workspaceId: ws.id });
      const first = await core().createTweetsTable(kim, reading.pageId);
      expect(first).toMatchObject({ kind: 'created', table: 'Tweets' });
      const requests = notion.requests.length;

      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 24 * 60 * 60_000 });
      try {
        expect(await core().createTweetsTable(kim, reading.pageId.replace(/-/g, ''))).toMatchObject({ kind: 'created', table: 'Tweets', url: (first as { url: string }).url });
      } finally {
        vi.useRealTimers();
      }
      expect(notion.tables(ws.id)).toHaveLength(1);
      expect(notion.requests.length).toBe(requests);
    });

    it('pages are separate: a table in each of two pages is two tables', async () => {
      const ws = notion.addWorkspace({ name: 'Pages only' });
      const reading = notion.addPage(ws.id, { title: 'Reading' });
      const work = notion.addPage(ws.id, { title: 'Work' });
      await connect(kim, { workspaceId: ws.id });
      await Promise.all([core().createTweetsTable(kim, reading.pageId), core().createTweetsTable(kim, work.pageId)]);
      expect(notion.tables(ws.id)).toHaveLength(2);
    });
  });

  describe('status before the first save', () => {
    it('several tables and none chosen: the status asks for a choice', async () => {
      const inspiration = notion.addTable(acme.id, { title: 'Inspiration', properties: WITH_TEXT });
      await connect(sam);
      const status = await core().connectionStatus(sam);
      expect(status).toMatchObject({ connected: true, target: { kind: 'choose' } });
      expect(status.connected && status.target?.kind === 'choose' && status.target.tables.map((t) => t.id).sort()).toEqual(
        [twitter.dataSourceId, inspiration.dataSourceId].sort(),
      );
      expect(status).not.toHaveProperty('needsReconnect');
      // The connect link says the same, so the reply can carry the picker.
      expect((await core().connectUser(sam)).current).toMatchObject({ connected: true, target: { kind: 'choose' } });
    });

    it('only a page shared: the status offers to create a table there', async () => {
      const ws = notion.addWorkspace({ name: 'Pages only' });
      const reading = notion.addPage(ws.id, { title: 'Reading' });
      await connect(kim, { workspaceId: ws.id, share: [reading.pageId] });
      expect(await core().connectionStatus(kim)).toMatchObject({ target: { kind: 'create_offer', pages: [{ title: 'Reading' }] } });
    });

    it('a lost connection reads as needsReconnect, without throwing', async () => {
      notion.addTable(acme.id, { title: 'Inspiration', properties: WITH_TEXT });
      await connect(sam);
      notion.revokeWorkspaceAccess(acme.id);
      expect(await core().connectionStatus(sam)).toMatchObject({ connected: true, needsReconnect: true, target: undefined });
      // Marked dead: the next save is kept for after the reconnect, and its DM is the one DM.
      expect(await save(sam, LINK)).toMatchObject({ kind: 'reconnect', kept: true });
      await core().idle();
      expect(notices.reconnect).toHaveLength(1);
    });

    it('Notion too busy to answer reads as "no table known", without throwing', async () => {
      notion.addTable(acme.id, { title: 'Inspiration', properties: WITH_TEXT });
      await connect(sam);
      notion.rateLimitNext(10, 0);
      const status = await core().connectionStatus(sam);
      expect(status).toMatchObject({ connected: true, workspaceName: 'Acme', target: undefined });
      expect(status).not.toHaveProperty('needsReconnect');
    });
  });
});

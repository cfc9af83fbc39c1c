import { describe, expect, it, vi } from 'vitest';
import { answersSince } from '../../helpers/core-notices.js';
import { kim, JACK as LINK, sam, WITH_TEXT } from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/product.js';
import { useCoreWorld } from '../../helpers/use-world.js';

const TWEET_COLUMN = { name: 'Tweet', type: 'Text' };

/**
 * Core against the emulated Notion: a table that cannot take a tweet gets its column help (and the
 * create-table offer when pages are shared), never a silent switch; a table is created once however
 * often the button is pressed; the status shows what to do before the first save.
 */
describe('table help', () => {
  const w = useCoreWorld({ table: { title: 'Twitter', properties: WITH_TEXT } });

  const core = () => w.product.app.core;
  const { save, liveRows, connect } = w;

  describe('the chosen table loses its text column', () => {
    it.each([
      ['one other usable table', ['Inspiration']],
      ['several other usable tables', ['Inspiration', 'Ideas']],
    ])(
      'with %s: names the column, keeps the table and the tweets; the next save after adding it lands there, and so do they',
      async (_, others) => {
        const otherTables = others.map((title) => w.notion.addTable(w.acme.id, { title, properties: WITH_TEXT }));
        await connect(sam);
        await core().chooseTarget(sam, w.table.dataSourceId);
        const first = await save(sam, LINK);
        if (first.kind !== 'saved') throw new Error(first.kind);

        w.notion.removeProperty(w.table.dataSourceId, 'Tweet');
        const help = {
          kind: 'needs_table',
          status: { kind: 'unusable', table: 'Twitter', missing: TWEET_COLUMN },
          kept: true,
        };
        expect(await save(sam, '@naval Play long-term games')).toEqual(help);
        // "Save again" of a row in it gets the same help, not "Notion refused the row".
        expect(await await core().saveResult(await core().saveAgain(sam, first.pageId))).toEqual(help);
        expect(await core().connectionStatus(sam)).toMatchObject({
          connected: true,
          target: { kind: 'ready', table: 'Twitter' },
        });
        // The status look tried the kept saves; they still cannot land, so they wait on, unreported.
        const mark = w.notices.saveResults.length;
        await core().idle();
        expect(answersSince(w.notices, mark)).toEqual([]);
        for (const t of otherTables) expect(w.notion.rows(t.dataSourceId)).toEqual([]);

        w.notion.addProperty(w.table.dataSourceId, 'Tweet', 'rich_text');
        expect(await save(sam, '@naval Play long-term games')).toMatchObject({ kind: 'saved', table: 'Twitter' });
        await waitFor(() => answersSince(w.notices, mark).length === 3, { what: 'the kept saves to land' });
        // Naval was saved again meanwhile (kept once, however often it was sent); "Save again" adds its row.
        expect(
          answersSince(w.notices, mark)
            .map((o) => o.kind)
            .sort(),
        ).toEqual(['already_saved', 'saved', 'saved']);
        expect(liveRows(w.table.dataSourceId)).toHaveLength(3);
        for (const t of otherTables) expect(w.notion.rows(t.dataSourceId)).toEqual([]);
      },
    );

    it('a chosen table that is gone (unshared) still gives way to the only other usable one', async () => {
      const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
      await connect(sam);
      await core().chooseTarget(sam, w.table.dataSourceId);
      w.notion.unshare(w.acme.id, w.table.databaseId);
      expect(await save(sam, LINK)).toMatchObject({ kind: 'saved', table: 'Inspiration' });
      expect(liveRows(inspiration.dataSourceId)).toHaveLength(1);
    });
  });

  describe('/save-tweet <link> to <name>', () => {
    it('names the column a matching table lacks, instead of "no shared table is called"', async () => {
      const links = w.notion.addTable(w.acme.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
      await connect(sam);
      expect(await save(sam, LINK, { table: 'links' })).toEqual({
        kind: 'needs_table',
        status: { kind: 'unusable', table: 'Links', missing: TWEET_COLUMN },
        kept: true,
      });
      expect(w.notion.rows(links.dataSourceId)).toEqual([]);
      expect(w.notion.rows(w.table.dataSourceId)).toEqual([]);

      w.notion.addProperty(links.dataSourceId, 'Tweet', 'rich_text');
      const mark = w.notices.saveResults.length;
      expect(await save(sam, LINK, { table: 'Li' })).toMatchObject({ kind: 'saved', table: 'Links' });
      // The kept one was the same tweet for the same table: it finds the row, and nothing is written twice.
      await waitFor(() => answersSince(w.notices, mark).length === 2, { what: 'the kept save to run' });
      expect(answersSince(w.notices, mark)).toEqual([
        expect.objectContaining({ kind: 'saved', table: 'Links' }),
        expect.objectContaining({ kind: 'already_saved', table: 'Links' }),
      ]);
      expect(liveRows(links.dataSourceId)).toHaveLength(1);
    });

    it('an unknown name lists every shared table, usable or not', async () => {
      const links = w.notion.addTable(w.acme.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
      await connect(sam);
      const outcome = await save(sam, LINK, { table: 'Recipes' });
      expect(outcome).toMatchObject({ kind: 'unknown_table', name: 'Recipes' });
      expect(outcome.kind === 'unknown_table' && outcome.tables).toEqual(
        expect.arrayContaining([
          { id: w.table.dataSourceId, title: 'Twitter' },
          { id: links.dataSourceId, title: 'Links' },
        ]),
      );
      expect(w.notion.rows(w.table.dataSourceId)).toEqual([]);
    });

    it('a prefix shared by an unusable and a usable table picks the usable one', async () => {
      w.notion.addTable(w.acme.id, { title: 'Reading notes', properties: { Name: 'title' } });
      const list = w.notion.addTable(w.acme.id, { title: 'Reading list', properties: WITH_TEXT });
      await connect(sam);
      expect(await save(sam, LINK, { table: 'reading' })).toMatchObject({ kind: 'saved', table: 'Reading list' });
      expect(liveRows(list.dataSourceId)).toHaveLength(1);
    });
  });

  describe('pages shared but no usable table', () => {
    it('offers to create a Tweets table next to the column help, and the next save lands in it', async () => {
      const ws = w.notion.addWorkspace({ name: 'Half' });
      const links = w.notion.addTable(ws.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
      const reading = w.notion.addPage(ws.id, { title: 'Reading' });
      await connect(kim, { workspaceId: ws.id });
      const offer = {
        kind: 'unusable',
        table: 'Links',
        missing: TWEET_COLUMN,
        pages: [{ id: expect.any(String), title: 'Reading' }],
      };
      expect(w.notices.connected[0]!.notice.status).toEqual(offer);
      expect(await save(kim, LINK)).toEqual({ kind: 'needs_table', status: offer, kept: true });
      const mark = w.notices.saveResults.length;

      expect(await core().createTweetsTable(kim, reading.pageId)).toMatchObject({
        kind: 'created',
        table: 'Tweets',
        pageTitle: 'Reading',
      });
      const created = w.notion.tables(ws.id).find((t) => t.title === 'Tweets')!;
      await waitFor(() => answersSince(w.notices, mark).length === 1, { what: 'the kept save to land' });
      expect(answersSince(w.notices, mark)).toEqual([expect.objectContaining({ kind: 'saved', table: 'Tweets' })]);
      expect(liveRows(created.dataSourceId)).toHaveLength(1);
      expect((await save(kim, LINK)).kind).toBe('already_saved');
      expect(liveRows(created.dataSourceId)).toHaveLength(1);
      expect(w.notion.rows(links.dataSourceId)).toEqual([]);
    });
  });

  describe('"Create a Tweets table" pressed more than once', () => {
    it('makes a new table when the one it made in that page is gone, and the kept tweet lands in it', async () => {
      const reading = w.notion.addPage(w.acme.id, { title: 'Reading' });
      await connect(sam, { share: [reading.pageId] });
      expect(await core().createTweetsTable(sam, reading.pageId)).toMatchObject({ kind: 'created' });
      const made = w.notion.tables(w.acme.id).find((t) => t.title === 'Tweets')!;
      w.notion.unshare(w.acme.id, made.databaseId);
      w.notion.unshare(w.acme.id, made.dataSourceId);
      expect(await save(sam, LINK)).toMatchObject({ kind: 'needs_table', kept: true });

      const again = await core().createTweetsTable(sam, reading.pageId);
      expect(again).toMatchObject({ kind: 'created', table: 'Tweets' });
      expect(w.notion.tables(w.acme.id).filter((t) => t.title === 'Tweets')).toHaveLength(2);
      await core().idle();
      const fresh = w.notion
        .tables(w.acme.id)
        .find((t) => t.title === 'Tweets' && t.dataSourceId !== made.dataSourceId)!;
      expect(w.notion.rows(fresh.dataSourceId)).toHaveLength(1);
    });

    it('creates one table: simultaneous clicks share the result, a late click gets that table', async () => {
      const ws = w.notion.addWorkspace({ name: 'Pages only' });
      const reading = w.notion.addPage(ws.id, { title: 'Reading' });
      await connect(kim, { workspaceId: ws.id });
      const dashless = reading.pageId.replace(/-/g, '');
      const outcomes = await Promise.all([
        core().createTweetsTable(kim, reading.pageId),
        core().createTweetsTable(kim, dashless),
      ]);
      expect(outcomes[0]).toMatchObject({ kind: 'created', table: 'Tweets', pageTitle: 'Reading' });
      expect(outcomes[1]).toEqual(outcomes[0]);
      // The page's title is not kept with the stored table (the store's schema lacks it): a later click names the table alone.
      expect(await core().createTweetsTable(kim, reading.pageId)).toMatchObject({
        kind: 'created',
        table: 'Tweets',
        url: (outcomes[0] as { url: string }).url,
      });
      expect(w.notion.tables(ws.id)).toHaveLength(1);
      expect(w.notion.requests.filter((r) => r.method === 'POST' && r.path === '/v1/databases')).toHaveLength(1);
    });

    it('an old offer clicked long after the table was made (past any claim) answers with that table and creates none', async () => {
      const ws = w.notion.addWorkspace({ name: 'Pages only' });
      const reading = w.notion.addPage(ws.id, { title: 'Reading' });
      await connect(kim, { workspaceId: ws.id });
      const first = await core().createTweetsTable(kim, reading.pageId);
      expect(first).toMatchObject({ kind: 'created', table: 'Tweets' });
      const requests = w.notion.requests.length;

      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 24 * 60 * 60_000 });
      try {
        expect(await core().createTweetsTable(kim, reading.pageId.replace(/-/g, ''))).toMatchObject({
          kind: 'created',
          table: 'Tweets',
          url: (first as { url: string }).url,
        });
      } finally {
        vi.useRealTimers();
      }
      expect(w.notion.tables(ws.id)).toHaveLength(1);
      // It only looked that the table is still there.
      expect(w.notion.requests.slice(requests).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/search']);
    });

    it('pages are separate: a table in each of two pages is two tables', async () => {
      const ws = w.notion.addWorkspace({ name: 'Pages only' });
      const reading = w.notion.addPage(ws.id, { title: 'Reading' });
      const work = w.notion.addPage(ws.id, { title: 'Work' });
      await connect(kim, { workspaceId: ws.id });
      await Promise.all([core().createTweetsTable(kim, reading.pageId), core().createTweetsTable(kim, work.pageId)]);
      expect(w.notion.tables(ws.id)).toHaveLength(2);
    });
  });

  describe('status before the first save', () => {
    it('several tables and none chosen: the status asks for a choice', async () => {
      const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
      await connect(sam);
      const status = await core().connectionStatus(sam);
      expect(status).toMatchObject({ connected: true, target: { kind: 'choose' } });
      expect(
        status.connected && status.target?.kind === 'choose' && status.target.tables.map((t) => t.id).sort(),
      ).toEqual([w.table.dataSourceId, inspiration.dataSourceId].sort());
      expect(status).not.toHaveProperty('needsReconnect');
      // The connect link says the same, so the reply can carry the picker.
      expect((await core().connectUser(sam)).current).toMatchObject({ connected: true, target: { kind: 'choose' } });
    });

    it('only a page shared: the status offers to create a table there', async () => {
      const ws = w.notion.addWorkspace({ name: 'Pages only' });
      const reading = w.notion.addPage(ws.id, { title: 'Reading' });
      await connect(kim, { workspaceId: ws.id, share: [reading.pageId] });
      expect(await core().connectionStatus(kim)).toMatchObject({
        target: { kind: 'create_offer', pages: [{ title: 'Reading' }] },
      });
    });

    it('a lost connection reads as needsReconnect, without throwing', async () => {
      w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
      await connect(sam);
      w.notion.revokeWorkspaceAccess(w.acme.id);
      expect(await core().connectionStatus(sam)).toMatchObject({
        connected: true,
        needsReconnect: true,
        target: undefined,
      });
      // Marked dead: the next save is kept for after the reconnect, and its DM is the one DM.
      expect(await save(sam, LINK)).toMatchObject({ kind: 'reconnect', kept: true });
      await core().idle();
      expect(w.notices.reconnect).toHaveLength(1);
    });

    it('Notion too busy to answer reads as "no table known", without throwing', async () => {
      w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
      await connect(sam);
      w.notion.rateLimitNext(10, 0);
      const status = await core().connectionStatus(sam);
      expect(status).toMatchObject({ connected: true, workspaceName: 'Acme', target: undefined });
      expect(status).not.toHaveProperty('needsReconnect');
    });
  });
});

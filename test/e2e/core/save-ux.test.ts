import { describe, expect, it } from 'vitest';
import { completeConnect } from '../../helpers/connect-flow.js';
import { answersSince } from '../../helpers/core-notices.js';
import { kim, JACK as LINK, sam, WITH_TEXT } from '../../helpers/fixtures.js';
import { TEST_CLIENT, waitFor } from '../../helpers/product.js';
import { useCoreWorld } from '../../helpers/use-world.js';

/** Core-level checks of the save experience (duplicates, Undo, zero-config table, reconnect, inline table). */
describe('saving like people expect', () => {
  const w = useCoreWorld({ table: { title: 'Twitter', properties: WITH_TEXT } });

  const core = () => w.product.app.core;
  const { save, liveRows, connect } = w;

  describe('duplicate guard', () => {
    it('answers "Already saved" with the existing row, without calling Notion', async () => {
      await connect(sam);
      const first = await save(sam, LINK);
      expect(first.kind).toBe('saved');
      const calls = w.notion.requests.length;
      const second = await save(sam, `<${LINK}?s=20&amp;t=abc>`);
      expect(second).toMatchObject({
        kind: 'already_saved',
        pageUrl: first.kind === 'saved' ? first.pageUrl : '',
        table: 'Twitter',
      });
      expect(w.notion.requests.length).toBe(calls);
      expect(liveRows(w.table.dataSourceId)).toHaveLength(1);
    });

    it('writes one row when the same tweet arrives several times at once', async () => {
      await connect(sam);
      const outcomes = await Promise.all([
        save(sam, LINK),
        save(sam, LINK),
        save(sam, `${LINK} just setting up my twttr`),
      ]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['already_saved', 'already_saved', 'saved']);
      expect(liveRows(w.table.dataSourceId)).toHaveLength(1);
    });

    it('keeps users apart: the same tweet saved by two users is two rows in their own tables', async () => {
      const other = w.notion.addWorkspace({ name: 'Kim HQ' });
      const kimTable = w.notion.addTable(other.id, {
        title: 'Saved',
        properties: { Name: 'title', Tweet: 'rich_text' },
      });
      await connect(sam, { workspaceId: w.acme.id });
      await connect(kim, { workspaceId: other.id });
      expect((await save(sam, LINK)).kind).toBe('saved');
      expect((await save(kim, LINK)).kind).toBe('saved');
      expect(liveRows(w.table.dataSourceId)).toHaveLength(1);
      expect(liveRows(kimTable.dataSourceId)).toHaveLength(1);
    });

    it('"Save again" writes a second row on purpose; another user cannot use the button', async () => {
      await connect(sam);
      const first = await save(sam, LINK);
      if (first.kind !== 'saved') throw new Error(first.kind);
      expect((await await core().saveResult(await core().saveAgain(kim, first.pageId))).kind).toBe('not_found');
      const again = await await core().saveResult(await core().saveAgain(sam, first.pageId));
      expect(again).toMatchObject({ kind: 'saved', table: 'Twitter' });
      expect(liveRows(w.table.dataSourceId)).toHaveLength(2);
    });
  });

  describe('undo', () => {
    it('moves the row to the trash and forgets the tweet, so it can be saved again', async () => {
      await connect(sam);
      const saved = await save(sam, LINK);
      if (saved.kind !== 'saved') throw new Error(saved.kind);
      expect(await core().undoSave(sam, saved.pageId)).toEqual({
        kind: 'removed',
        table: 'Twitter',
        tweet: expect.objectContaining({ handle: 'jack' }),
      });
      expect(w.notion.rows(w.table.dataSourceId)).toEqual([
        expect.objectContaining({ id: saved.pageId, inTrash: true }),
      ]);
      expect(await core().undoSave(sam, saved.pageId)).toEqual({ kind: 'not_found' });
      expect((await save(sam, LINK)).kind).toBe('saved');
    });

    it('only the user who saved can undo', async () => {
      await connect(sam);
      const saved = await save(sam, LINK);
      if (saved.kind !== 'saved') throw new Error(saved.kind);
      expect(await core().undoSave(kim, saved.pageId)).toEqual({ kind: 'not_found' });
      expect(liveRows(w.table.dataSourceId)).toHaveLength(1);
    });

    it('says so plainly when the row was already deleted in Notion (trashed, or deleted for good)', async () => {
      await connect(sam);
      const trashed = await save(sam, LINK);
      const deleted = await save(sam, '@naval Play long-term games');
      if (trashed.kind !== 'saved' || deleted.kind !== 'saved') throw new Error(`${trashed.kind} ${deleted.kind}`);
      w.notion.trashRow(trashed.pageId);
      w.notion.deleteRow(deleted.pageId);
      expect(await core().undoSave(sam, trashed.pageId)).toEqual({ kind: 'already_deleted', table: 'Twitter' });
      expect(await core().undoSave(sam, deleted.pageId)).toEqual({ kind: 'already_deleted', table: 'Twitter' });
      // Forgotten: saving it again writes a new row.
      expect(await save(sam, '@naval Play long-term games')).toMatchObject({ kind: 'saved', table: 'Twitter' });
    });
  });

  describe('zero-config table', () => {
    it('uses the table inside the template Notion duplicated, without asking', async () => {
      w.notion.setTemplate(TEST_CLIENT.clientId, {
        pageTitle: 'Tweet saver',
        table: { title: 'Tweets', properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' } },
      });
      await connect(sam); // shares Twitter too: without the template this would ask for a choice
      expect(w.notices.connected[0]!.notice.status).toMatchObject({ kind: 'ready', table: 'Tweets' });
      const tweets = w.notion.tables(w.acme.id).find((t) => t.title === 'Tweets')!;
      expect((await save(sam, LINK)).kind).toBe('saved');
      expect(liveRows(tweets.dataSourceId)).toHaveLength(1);
      expect(liveRows(w.table.dataSourceId)).toHaveLength(0);
    });

    it('offers to create a Tweets table when only a page is shared, and saves into it', async () => {
      const ws = w.notion.addWorkspace({ name: 'Pages only' });
      const reading = w.notion.addPage(ws.id, { title: 'Reading' });
      await connect(kim, { workspaceId: ws.id, share: [reading.pageId] });
      expect(w.notices.connected[0]!.notice.status).toEqual({
        kind: 'create_offer',
        pages: [{ id: expect.any(String), title: 'Reading' }],
      });
      expect(await save(kim, LINK)).toMatchObject({
        kind: 'needs_table',
        status: { kind: 'create_offer' },
        kept: true,
      });
      const mark = w.notices.saveResults.length;

      expect(await core().createTweetsTable(kim, reading.pageId)).toMatchObject({
        kind: 'created',
        table: 'Tweets',
        pageTitle: 'Reading',
      });
      const created = w.notion.tables(ws.id).find((t) => t.title === 'Tweets')!;
      // The tweet sent before the table existed lands in it.
      await waitFor(() => answersSince(w.notices, mark).length === 1, { what: 'the kept tweet to land' });
      expect(answersSince(w.notices, mark)).toEqual([expect.objectContaining({ kind: 'saved', table: 'Tweets' })]);
      expect((await save(kim, LINK)).kind).toBe('already_saved');
      const [row] = liveRows(created.dataSourceId);
      expect(row!.properties).toMatchObject({
        Handle: { title: [expect.objectContaining({ plain_text: '@jack' })] },
        Link: { url: LINK },
      });
      expect((row!.properties.Saved as { date: { start: string } }).date.start).toBeTruthy();
    });
  });

  describe('one-click reconnect', () => {
    it('refreshes an expired access token and saves without bothering the user', async () => {
      await connect(sam);
      w.notion.expireAccessTokens(w.acme.id);
      expect((await save(sam, LINK)).kind).toBe('saved');
      expect(w.notion.requests.filter((r) => r.grantType === 'refresh_token')).toHaveLength(1);
      expect(w.notices.reconnect).toHaveLength(0);
      expect((await save(sam, '@jack second')).kind).toBe('saved');
    });

    it('sends one reconnect DM, keeps the saves made meanwhile, and lands them after the reconnect', async () => {
      await connect(sam);
      w.notion.revokeWorkspaceAccess(w.acme.id);
      const first = await save(sam, LINK);
      const second = await save(sam, '@naval Play long-term games with long-term people.');
      expect(first).toMatchObject({ kind: 'reconnect', kept: true });
      expect(second).toMatchObject({ kind: 'reconnect', kept: true });
      await core().idle();
      expect(w.notices.reconnect).toHaveLength(1);
      expect(w.notices.reconnect[0]!.notice).toMatchObject({ workspaceName: 'Acme', pending: 1 });
      expect(liveRows(w.table.dataSourceId)).toHaveLength(0);

      const mark = w.notices.saveResults.length;
      const page = await completeConnect(w.notices.reconnect[0]!.notice.connectUrl, w.notion);
      expect(page.status).toBe(200);
      await waitFor(() => answersSince(w.notices, mark).length === 2, { what: 'the kept saves to land' });
      expect(answersSince(w.notices, mark).map((o) => o.kind)).toEqual(['saved', 'saved']);
      expect(liveRows(w.table.dataSourceId)).toHaveLength(2);
      const status = await core().connectionStatus(sam);
      expect(status).toMatchObject({ connected: true });
      expect(status).not.toHaveProperty('needsReconnect');

      // A later loss of access gets its own single DM.
      w.notion.revokeWorkspaceAccess(w.acme.id);
      await save(sam, '@jack third');
      await core().idle();
      expect(w.notices.reconnect).toHaveLength(2);
    });
  });

  describe('choose the table inline (the `table` option /save-tweet passes)', () => {
    it('saves once to the table named (prefix, any case) and keeps the default', async () => {
      const inspiration = w.notion.addTable(w.acme.id, {
        title: 'Inspiration',
        properties: { Name: 'title', Tweet: 'rich_text' },
      });
      await connect(sam);
      await core().chooseTarget(sam, w.table.dataSourceId);
      expect(await save(sam, LINK, { table: 'insp' })).toMatchObject({ kind: 'saved', table: 'Inspiration' });
      expect(await save(sam, '@naval hello')).toMatchObject({ kind: 'saved', table: 'Twitter' });
      expect(liveRows(inspiration.dataSourceId)).toHaveLength(1);
      expect(liveRows(w.table.dataSourceId)).toHaveLength(1);
    });

    it('"Save again" on a row saved inline goes to that row\'s table, not the default', async () => {
      const inspiration = w.notion.addTable(w.acme.id, {
        title: 'Inspiration',
        properties: { Name: 'title', Tweet: 'rich_text' },
      });
      await connect(sam);
      await core().chooseTarget(sam, w.table.dataSourceId);
      const first = await save(sam, LINK, { table: 'insp' });
      if (first.kind !== 'saved') throw new Error(first.kind);
      expect(await await core().saveResult(await core().saveAgain(sam, first.pageId))).toMatchObject({
        kind: 'saved',
        table: 'Inspiration',
      });
      expect(liveRows(inspiration.dataSourceId)).toHaveLength(2);
      expect(liveRows(w.table.dataSourceId)).toHaveLength(0);
    });

    it('lists the shared tables when the name matches none', async () => {
      await connect(sam);
      expect(await save(sam, LINK, { table: 'Recipes' })).toEqual({
        kind: 'unknown_table',
        name: 'Recipes',
        tables: [{ id: w.table.dataSourceId, title: 'Twitter' }],
      });
      expect(liveRows(w.table.dataSourceId)).toHaveLength(0);
    });

    it('reads no table name out of the text: "<link> to everyone who asked" is a message, saved to the default', async () => {
      const everyone = w.notion.addTable(w.acme.id, {
        title: 'Everyone',
        properties: { Name: 'title', Tweet: 'rich_text' },
      });
      await connect(sam);
      await core().chooseTarget(sam, w.table.dataSourceId);
      expect(await save(sam, `${LINK} to everyone who asked`)).toMatchObject({ kind: 'saved', table: 'Twitter' });
      expect(liveRows(everyone.dataSourceId)).toHaveLength(0);
      expect(liveRows(w.table.dataSourceId)).toHaveLength(1);
    });

    it('does not mistake tweet text with " to " for a table', async () => {
      await connect(sam);
      expect(await save(sam, '@jack going to the store')).toMatchObject({ kind: 'saved', table: 'Twitter' });
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { SaveOutcome } from '../../../src/core/outcomes.js';
import { completeConnect } from '../../helpers/connect-flow.js';
import { answersSince } from '../../helpers/core-notices.js';
import { JACK, sam, WITH_TEXT } from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/product.js';
import { useCoreWorld } from '../../helpers/use-world.js';

const NAVAL = '@naval Play long-term games';

/**
 * Core against the emulated Notion: a tweet saved while no table can take it (a choice to make,
 * a table to create, none shared, a column missing) is kept, once, and lands as soon as a table is
 * ready, replayed as a save job: the user gets its answer then, by DM, like any save's.
 */
describe('tweets kept until a table can take them', () => {
  const w = useCoreWorld({ table: { title: 'Twitter', properties: WITH_TEXT } });

  const core = () => w.product.app.core;
  const save = async (text: string): Promise<SaveOutcome> =>
    await core().saveResult(await core().saveTweet(sam, { text }));
  const names = (dataSourceId: string) =>
    w.notion
      .rows(dataSourceId)
      .map((r) => (r.properties.Name as { title: { plain_text: string }[] }).title[0]?.plain_text);

  async function connect(opts: Parameters<typeof completeConnect>[2] = {}) {
    expect((await completeConnect((await core().connectUser(sam)).url, w.notion, opts)).status).toBe(200);
    await core().idle();
  }

  it('several tables, none chosen: kept (the same tweet once), and saved into the table picked', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await connect();
    const first = await save(JACK);
    expect(first).toMatchObject({ kind: 'needs_table', status: { kind: 'choose' }, kept: true });
    expect(await save(`${JACK} just setting up my twttr`)).toMatchObject({ kind: 'needs_table', kept: true });
    expect(await save(NAVAL)).toMatchObject({ kind: 'needs_table', kept: true });
    await core().idle();
    const mark = w.notices.saveResults.length;

    expect(await core().chooseTarget(sam, inspiration.dataSourceId)).toMatchObject({
      kind: 'ready',
      table: 'Inspiration',
    });
    await waitFor(() => answersSince(w.notices, mark).length === 2, { what: 'the kept tweets to land' });
    expect(w.notices.saveResults.slice(mark).map((r) => r.replyTo)).toEqual([{ kind: 'dm' }, { kind: 'dm' }]);
    expect(answersSince(w.notices, mark)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'saved',
          table: 'Inspiration',
          tweet: expect.objectContaining({ handle: 'jack' }),
        }),
        expect.objectContaining({
          kind: 'saved',
          table: 'Inspiration',
          tweet: expect.objectContaining({ handle: 'naval' }),
        }),
      ]),
    );
    expect(names(inspiration.dataSourceId).sort()).toEqual(['@jack', '@naval']);
    expect(w.notion.rows(w.table.dataSourceId)).toEqual([]);

    // Nothing waits any more: a later pick replays nothing and nobody is told again.
    await core().chooseTarget(sam, w.table.dataSourceId);
    await core().idle();
    expect(answersSince(w.notices, mark)).toHaveLength(2);
  });

  it('no table shared: kept, and saved once a reconnect shares one', async () => {
    await connect({ share: [''] });
    expect(await save(JACK)).toEqual({ kind: 'needs_table', status: { kind: 'none_shared' }, kept: true });
    const mark = w.notices.saveResults.length;
    await connect({ share: [w.table.databaseId] });
    await waitFor(() => answersSince(w.notices, mark).length === 1, { what: 'the kept tweet to land' });
    expect(answersSince(w.notices, mark)).toEqual([expect.objectContaining({ kind: 'saved', table: 'Twitter' })]);
    expect(names(w.table.dataSourceId)).toEqual(['@jack']);
  });

  it('a page but no table: kept, and saved into the table created there, which the answer names with its page', async () => {
    const reading = w.notion.addPage(w.acme.id, { title: 'Reading' });
    await connect({ share: [reading.pageId] });
    expect(await save(JACK)).toMatchObject({ kind: 'needs_table', status: { kind: 'create_offer' }, kept: true });
    const mark = w.notices.saveResults.length;
    expect(await core().createTweetsTable(sam, reading.pageId)).toEqual({
      kind: 'created',
      table: 'Tweets',
      url: expect.any(String),
      pageTitle: 'Reading',
    });
    await waitFor(() => answersSince(w.notices, mark).length === 1, { what: 'the kept tweet to land' });
    expect(answersSince(w.notices, mark)).toEqual([expect.objectContaining({ kind: 'saved', table: 'Tweets' })]);
    const created = w.notion.tables(w.acme.id).find((t) => t.title === 'Tweets')!;
    expect(w.notion.rows(created.dataSourceId)).toHaveLength(1);
  });

  it('a kept tweet whose table still cannot take it waits on quietly, through status looks and other saves', async () => {
    const links = w.notion.addTable(w.acme.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
    await connect();
    await core().chooseTarget(sam, w.table.dataSourceId);
    expect(
      await await core().saveResult(await core().saveTweet(sam, { text: JACK }, { table: 'links' })),
    ).toMatchObject({ kind: 'needs_table', status: { kind: 'unusable', table: 'Links' }, kept: true });

    // A save that lands elsewhere tries the kept one, which cannot land yet: kept again, not reported.
    expect(await save(NAVAL)).toMatchObject({ kind: 'saved', table: 'Twitter' });
    const mark = w.notices.saveResults.length;
    await core().connectionStatus(sam);
    await core().idle();
    expect(answersSince(w.notices, mark)).toEqual([]);
    expect(w.notion.rows(links.dataSourceId)).toEqual([]);

    w.notion.addProperty(links.dataSourceId, 'Tweet', 'rich_text');
    expect(await save('https://x.com/jack/status/21')).toMatchObject({ kind: 'saved', table: 'Twitter' });
    await waitFor(() => answersSince(w.notices, mark).length === 2, { what: 'the kept tweet to land' });
    // The new save's answer and the kept one's, in either order.
    expect(answersSince(w.notices, mark)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'saved', table: 'Twitter' }),
        expect.objectContaining({ kind: 'saved', table: 'Links' }),
      ]),
    );
    expect(names(links.dataSourceId)).toEqual(['@jack']);
  });

  it('status looks retry a kept tweet at most once every few minutes, so they cost Notion nothing meanwhile', async () => {
    w.notion.addTable(w.acme.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
    await connect();
    await core().chooseTarget(sam, w.table.dataSourceId);
    for (const n of [20, 21, 22])
      await await core().saveResult(
        await core().saveTweet(sam, { text: `https://x.com/jack/status/${n}` }, { table: 'links' }),
      );
    await core().connectionStatus(sam);
    await core().idle();
    const start = w.notion.requests.length;
    for (let i = 0; i < 5; i++) {
      await core().connectionStatus(sam);
      await core().idle();
    }
    expect(w.notion.requests.slice(start).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});

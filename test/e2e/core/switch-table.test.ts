import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SaveOutcome } from '../../../src/core/outcomes.js';
import { completeConnect } from '../../helpers/connect-flow.js';
import { JACK as LINK, sam, WITH_TEXT } from '../../helpers/fixtures.js';
import { useCoreWorld } from '../../helpers/use-world.js';

/**
 * Core against the emulated Notion: while connected with a table, the status (what /notion-connect
 * and the Home tab show) lists the other usable tables to switch to, tables that share a title are
 * told apart by their page, and the listing costs Notion as little as it can.
 */
describe('switching tables while connected', () => {
  const w = useCoreWorld();
  afterEach(() => {
    vi.useRealTimers();
  });

  const core = () => w.product.app.core;
  const save = async (text: string, options?: { table?: string }): Promise<SaveOutcome> =>
    await core().saveResult(await core().saveTweet(sam, { text }, options));
  const pageReads = () => w.notion.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/pages/')).length;
  const searches = () => w.notion.requests.filter((r) => r.path === '/v1/search').length;

  async function connect(opts: Parameters<typeof completeConnect>[2] = {}) {
    expect((await completeConnect((await core().connectUser(sam)).url, w.notion, opts)).status).toBe(200);
    await core().idle();
  }

  it('with a table chosen and another usable one shared, the status offers both, the current one marked; a pick switches', async () => {
    const inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    w.notion.addTable(w.acme.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
    await connect();
    await core().chooseTarget(sam, w.table.dataSourceId);

    const { current } = await core().connectUser(sam);
    expect(current).toMatchObject({
      connected: true,
      target: { kind: 'ready', table: 'Tweets', choices: { currentId: w.table.dataSourceId } },
    });
    const choices = current.connected && current.target?.kind === 'ready' ? current.target.choices : undefined;
    // Only tables that can take a tweet are offered.
    expect(choices?.tables.map((t) => t.title).sort()).toEqual(['Inspiration', 'Tweets']);
    // No two tables share a title here: no page was read to tell them apart.
    expect(pageReads()).toBe(0);

    expect(await core().chooseTarget(sam, inspiration.dataSourceId)).toMatchObject({
      kind: 'ready',
      table: 'Inspiration',
    });
    expect(await core().connectionStatus(sam)).toMatchObject({
      target: { kind: 'ready', table: 'Inspiration', choices: { currentId: inspiration.dataSourceId } },
    });
    expect(await save(LINK)).toMatchObject({ kind: 'saved', table: 'Inspiration' });
    expect(w.notion.rows(w.table.dataSourceId)).toEqual([]);
  });

  it('with one usable table there is nothing to switch to: no choices', async () => {
    w.notion.addTable(w.acme.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
    await connect();
    const status = await core().connectionStatus(sam);
    expect(status).toMatchObject({ connected: true, target: { kind: 'ready', table: 'Tweets' } });
    expect(status.connected && status.target).not.toHaveProperty('choices');
  });

  it('answers from the last listing without asking Notion, and looks again in the background once it is a minute old', async () => {
    const wiki = w.notion.addPage(w.acme.id, { title: 'Team wiki' });
    w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await connect();
    await core().chooseTarget(sam, w.table.dataSourceId);
    const before = searches();
    await core().connectionStatus(sam);
    await core().connectUser(sam);
    await core().idle();
    expect(searches()).toBe(before);

    // A table added later in a shared page: shown once the listing has been renewed.
    w.notion.addTable(w.acme.id, { title: 'Ideas', properties: WITH_TEXT, parentPageId: wiki.pageId });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    const stale = await core().connectionStatus(sam);
    expect(stale.connected && stale.target?.kind === 'ready' && stale.target.choices?.tables).toHaveLength(2);
    await core().idle();
    expect(searches()).toBe(before + 1);
    const renewed = await core().connectionStatus(sam);
    expect(
      renewed.connected &&
        renewed.target?.kind === 'ready' &&
        renewed.target.choices?.tables.map((t) => t.title).sort(),
    ).toEqual(['Ideas', 'Inspiration', 'Tweets']);
  });

  it('tables with the same title are named with their page in pickers and lists, reading only that page, once', async () => {
    const wiki = w.notion.addPage(w.acme.id, { title: 'Team wiki' });
    const inWiki = w.notion.addTable(w.acme.id, { title: 'Tweets', properties: WITH_TEXT, parentPageId: wiki.pageId });
    await connect();
    const status = await core().connectionStatus(sam);
    expect(status).toMatchObject({ target: { kind: 'choose' } });
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    const labelled = [
      { id: w.table.dataSourceId, title: 'Tweets' },
      { id: inWiki.dataSourceId, title: 'Tweets (Team wiki)' },
    ].sort(byId);
    expect(status.connected && status.target?.kind === 'choose' && [...status.target.tables].sort(byId)).toEqual(
      labelled,
    );
    // One read of the one page for both listings (connecting, then this status: its title is
    // remembered), none for the top-level table.
    expect(searches()).toBe(2);
    expect(pageReads()).toBe(1);

    const unknown = await save(LINK, { table: 'Recipes' });
    expect(unknown.kind === 'unknown_table' && [...unknown.tables].sort(byId)).toEqual(labelled);

    await core().chooseTarget(sam, inWiki.dataSourceId);
    const chosen = await core().connectionStatus(sam);
    expect(chosen).toMatchObject({ target: { kind: 'ready', choices: { currentId: inWiki.dataSourceId } } });
  });

  it('a same-titled table whose page is not shared is numbered instead', async () => {
    const wiki = w.notion.addPage(w.acme.id, { title: 'Team wiki' });
    const inWiki = w.notion.addTable(w.acme.id, { title: 'Tweets', properties: WITH_TEXT, parentPageId: wiki.pageId });
    await connect({ share: [w.table.databaseId, inWiki.databaseId] });
    const status = await core().connectionStatus(sam);
    expect(
      status.connected && status.target?.kind === 'choose' && status.target.tables.map((t) => t.title).sort(),
    ).toEqual(['Tweets', 'Tweets (2)']);
  });
});

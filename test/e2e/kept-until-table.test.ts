import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatUser } from '../../src/core/chat-user.js';
import type { SaveOutcome } from '../../src/core/outcomes.js';
import { type NotionSandbox } from '../../src/sandbox/notion/notion-sandbox.js';
import { completeConnect } from '../helpers/connect-flow.js';
import { recordNotices, type CoreNotices } from '../helpers/core-notices.js';
import { waitFor, type Product } from '../helpers/product.js';
import { startWorld, type World } from '../helpers/world.js';

const sam: ChatUser = { platform: 'slack', teamId: 'T1', userId: 'U1', displayName: 'sam' };
const JACK = 'https://x.com/jack/status/20';
const NAVAL = '@naval Play long-term games';
const WITH_TEXT = { Name: 'title', Tweet: 'rich_text', Link: 'url' };

/**
 * Core against the emulated Notion: a tweet saved while no table can take it (a choice to make,
 * a table to create, none shared, a column missing) is kept, once, and lands as soon as a table is
 * ready; the user hears it then.
 */
describe('tweets kept until a table can take them', () => {
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
  const save = async (text: string): Promise<SaveOutcome> => (await core().saveTweet(sam, { text })).result;
  const names = (dataSourceId: string) => notion.rows(dataSourceId).map((r) => (r.properties.Name as { title: { plain_text: string }[] }).title[0]?.plain_text);

  async function connect(opts: Parameters<typeof completeConnect>[2] = {}) {
    expect((await completeConnect((await core().connectUser(sam)).url, notion, opts)).status).toBe(200);
    await core().idle();
  }

  it('several tables, none chosen: kept (the same tweet once), and saved into the table picked', async () => {
    const inspiration = notion.addTable(acme.id, { title: 'Inspiration', properties: WITH_TEXT });
    await connect();
    const first = await save(JACK);
    expect(first).toMatchObject({ kind: 'needs_table', status: { kind: 'choose' }, kept: true });
    expect(await save(`${JACK} just setting up my twttr`)).toMatchObject({ kind: 'needs_table', kept: true });
    expect(await save(NAVAL)).toMatchObject({ kind: 'needs_table', kept: true });
    await core().idle();
    expect(notices.pendingSaved).toEqual([]);

    expect(await core().chooseTarget(sam, inspiration.dataSourceId)).toMatchObject({ kind: 'ready', table: 'Inspiration' });
    await waitFor(() => notices.pendingSaved.length === 1, { what: 'the kept tweets to land' });
    expect(notices.pendingSaved[0]!.outcomes).toEqual([
      expect.objectContaining({ kind: 'saved', table: 'Inspiration', tweet: expect.objectContaining({ handle: 'jack' }) }),
      expect.objectContaining({ kind: 'saved', table: 'Inspiration', tweet: expect.objectContaining({ handle: 'naval' }) }),
    ]);
    expect(names(inspiration.dataSourceId)).toEqual(['@jack', '@naval']);
    expect(notion.rows(twitter.dataSourceId)).toEqual([]);

    // Nothing waits any more: a later pick replays nothing and nobody is told again.
    await core().chooseTarget(sam, twitter.dataSourceId);
    await core().idle();
    expect(notices.pendingSaved).toHaveLength(1);
  });

  it('no table shared: kept, and saved once a reconnect shares one', async () => {
    await connect({ share: [''] });
    expect(await save(JACK)).toEqual({ kind: 'needs_table', status: { kind: 'none_shared' }, kept: true });
    await connect({ share: [twitter.databaseId] });
    await waitFor(() => notices.pendingSaved.length === 1, { what: 'the kept tweet to land' });
    expect(notices.pendingSaved[0]!.outcomes).toEqual([expect.objectContaining({ kind: 'saved', table: 'Twitter' })]);
    expect(names(twitter.dataSourceId)).toEqual(['@jack']);
  });

  it('a page but no table: kept, and saved into the table created there, which the answer names with its page', async () => {
    const reading = notion.addPage(acme.id, { title: 'Reading' });
    await connect({ share: [reading.pageId] });
    expect(await save(JACK)).toMatchObject({ kind: 'needs_table', status: { kind: 'create_offer' }, kept: true });
    expect(await core().createTweetsTable(sam, reading.pageId)).toEqual({ kind: 'created', table: 'Tweets', url: expect.any(String), pageTitle: 'Reading' });
    await waitFor(() => notices.pendingSaved.length === 1, { what: 'the kept tweet to land' });
    const created = notion.tables(acme.id).find((t) => t.title === 'Tweets')!;
    expect(notion.rows(created.dataSourceId)).toHaveLength(1);
  });

  it('a kept tweet whose table still cannot take it waits on quietly, through status looks and other saves', async () => {
    const links = notion.addTable(acme.id, { title: 'Links', properties: { Name: 'title', URL: 'url' } });
    await connect();
    await core().chooseTarget(sam, twitter.dataSourceId);
    expect(await (await core().saveTweet(sam, { text: JACK }, { table: 'links' })).result).toMatchObject({ kind: 'needs_table', status: { kind: 'unusable', table: 'Links' }, kept: true });

    // A save that lands elsewhere tries the kept one, which cannot land yet: kept again, not reported.
    expect(await save(NAVAL)).toMatchObject({ kind: 'saved', table: 'Twitter' });
    await core().connectionStatus(sam);
    await core().idle();
    expect(notices.pendingSaved).toEqual([]);
    expect(notion.rows(links.dataSourceId)).toEqual([]);

    notion.addProperty(links.dataSourceId, 'Tweet', 'rich_text');
    expect(await save('https://x.com/jack/status/21')).toMatchObject({ kind: 'saved', table: 'Twitter' });
    await waitFor(() => notices.pendingSaved.length === 1, { what: 'the kept tweet to land' });
    expect(notices.pendingSaved[0]!.outcomes).toEqual([expect.objectContaining({ kind: 'saved', table: 'Links' })]);
    expect(names(links.dataSourceId)).toEqual(['@jack']);
  });
});

import { describe, expect, it } from 'vitest';
import { FX_DELETED, FX_TWEETS, RICH_TWEET_IDS as IDS } from '../../../src/sandbox/sandbox-seed.js';
import { propertyText } from '../../../src/sandbox/web/sandbox-views.js';
import { answersSince } from '../../helpers/core-notices.js';
import { sam } from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/product.js';
import { useCoreWorld } from '../../helpers/use-world.js';

/** The columns "Create a Tweets table" makes. */
const RICH_TABLE = {
  Handle: 'title',
  Tweet: 'rich_text',
  Link: 'url',
  Saved: 'date',
  Posted: 'date',
  Author: 'rich_text',
  Tags: 'multi_select',
  Note: 'rich_text',
  Media: 'files',
};
const link = (handle: string, id: string) => `https://x.com/${handle}/status/${id}`;
type Block = { type: string; [k: string]: unknown };
const blockTypes = (children: unknown[]) => (children as Block[]).map((b) => b.type);

describe('the whole tweet in Notion (core, FxTwitter and Notion emulations)', () => {
  const w = useCoreWorld({
    table: { title: 'Tweets', properties: RICH_TABLE },
    fxTweets: { tweets: FX_TWEETS, deleted: FX_DELETED },
  });
  const text = (row: { properties: Record<string, unknown> }, name: string) => propertyText(row.properties[name]);

  it('saves a tweet with two photos and a quoted tweet with Posted, Author, Media, and a page of its quote, images and quoted tweet', async () => {
    await w.connect(sam);
    const outcome = await w.save(sam, link('miradraws', IDS.photos));
    expect(outcome).toMatchObject({ kind: 'saved', textMissing: false });
    const [row] = w.liveRows(w.table.dataSourceId);
    expect(text(row!, 'Handle')).toBe('@miradraws');
    expect(text(row!, 'Tweet')).toBe("Two sketches from today's notebook, after re-reading this:");
    expect(row!.properties.Posted).toMatchObject({ date: { start: expect.stringMatching(/^2024-10-27T18:42:07/) } });
    expect(text(row!, 'Author')).toBe('Mira Chen');
    expect(row!.properties.Media).toMatchObject({
      files: [
        { external: { url: expect.stringMatching(/loom-sketch\.svg$/) } },
        { external: { url: expect.stringMatching(/engine-sketch\.svg$/) } },
      ],
    });
    expect(blockTypes(row!.children)).toStrictEqual(['quote', 'image', 'image', 'callout', 'embed']);
    const callout = JSON.stringify(row!.children[3]);
    expect(callout).toContain('Quoting Ada Lab (@adalab)');
    expect(callout).toContain('Jacquard loom');
    expect(JSON.stringify(row!.children[1])).toContain('Pencil sketch of a Jacquard loom');
  });

  it('/save-thread on the third tweet saves the whole thread in order, in one row, with its media', async () => {
    await w.connect(sam);
    const ticket = await w.core.saveTweet(sam, { text: link('tompark', IDS.threadEnd) }, { thread: true });
    expect((await w.product.app.core.saveResult(ticket)).kind).toBe('saved');
    const rows = w.liveRows(w.table.dataSourceId);
    expect(rows).toHaveLength(1);
    expect(text(rows[0]!, 'Handle')).toBe('@tompark');
    expect(text(rows[0]!, 'Tweet')).toMatch(/^How we cut our CI time in half[\s\S]*\n\n2\/3[\s\S]*\n\n3\/3/);
    expect(rows[0]!.properties.Link).toMatchObject({ url: link('tompark', IDS.threadStart) });
    expect(blockTypes(rows[0]!.children)).toStrictEqual([
      'quote',
      'divider',
      'quote',
      'image',
      'divider',
      'quote',
      'embed',
    ]);
    // The same thread again is "Already saved"; the third tweet alone is a row of its own.
    expect(
      (
        await w.product.app.core.saveResult(
          await w.core.saveTweet(sam, { text: link('tompark', IDS.threadEnd) }, { thread: true }),
        )
      ).kind,
    ).toBe('already_saved');
    expect((await w.save(sam, link('tompark', IDS.threadEnd))).kind).toBe('saved');
    expect(w.liveRows(w.table.dataSourceId)).toHaveLength(2);
  });

  it('writes a 25-tweet thread with 4 photos each whole: 100 blocks in pages.create, the rest appended', async () => {
    for (let i = 0; i < 25; i++) {
      w.world.fxtwitter.addTweet({
        id: String(1900000000000000000n + BigInt(i)),
        handle: 'longthread',
        name: 'Long Thread',
        text: `${i + 1}/25 ${'lorem ipsum '.repeat(40)}`,
        createdAt: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
        photos: [1, 2, 3, 4].map((j) => ({ file: `t${i}-p${j}.svg`, altText: `photo ${j} of ${i + 1}` })),
        ...(i > 0 ? { replyToId: String(1900000000000000000n + BigInt(i - 1)) } : {}),
      });
    }
    await w.connect(sam);
    const outcome = await w.product.app.core.saveResult(
      await w.core.saveTweet(sam, { text: link('longthread', '1900000000000000012') }, { thread: true }),
    );
    expect(outcome.kind).toBe('saved');
    const [row] = w.liveRows(w.table.dataSourceId);
    const types = blockTypes(row!.children);
    expect(types).toHaveLength(25 + 100 + 24 + 1);
    expect(types.filter((t) => t === 'image')).toHaveLength(100);
    const quotes = (row!.children as Block[])
      .filter((b) => b.type === 'quote')
      .map((b) => JSON.stringify(b).match(/"content":"(\d+)\/25/)?.[1]);
    expect(quotes).toStrictEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));
    expect(w.notion.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/children'))).toHaveLength(1);
  });

  it('saves a tweet in no thread as itself with /save-thread', async () => {
    await w.connect(sam);
    await w.product.app.core.saveResult(
      await w.core.saveTweet(sam, { text: link('adalab', IDS.quoted) }, { thread: true }),
    );
    const [row] = w.liveRows(w.table.dataSourceId);
    expect(text(row!, 'Tweet')).toContain('Analytical Engine');
    expect(blockTypes(row!.children)).toStrictEqual(['quote', 'embed']);
  });

  it('/save-tweet <link> #ai #reading fills Tags and leaves the text to the tweet', async () => {
    await w.connect(sam);
    expect((await w.save(sam, `${link('adalab', IDS.quoted)} #ai #reading`)).kind).toBe('saved');
    const [row] = w.liveRows(w.table.dataSourceId);
    expect(row!.properties.Tags).toMatchObject({ multi_select: [{ name: 'ai' }, { name: 'reading' }] });
    expect(text(row!, 'Tweet')).not.toContain('#ai');
    expect(text(row!, 'Note')).toBe('');
  });

  it('saves the words of a DM whose link no source knows (deleted tweet: tombstone, oEmbed 404) as the text and the note', async () => {
    await w.connect(sam);
    const outcome = await w.product.app.core.saveResult(
      await w.core.saveTweet(sam, { text: link('someone', IDS.deleted), comment: 'the best take on this #later' }),
    );
    expect(outcome).toMatchObject({ kind: 'saved', textMissing: false });
    const [row] = w.liveRows(w.table.dataSourceId);
    expect(text(row!, 'Tweet')).toBe('the best take on this');
    expect(text(row!, 'Note')).toBe('the best take on this');
    expect(row!.properties.Tags).toMatchObject({ multi_select: [{ name: 'later' }] });
  });

  it('keeps text typed after the link in /save-tweet as the Note when the fetched tweet says something else', async () => {
    await w.connect(sam);
    await w.save(sam, `${link('adalab', IDS.quoted)} my summary: looms were the first programs #history`);
    const [row] = w.liveRows(w.table.dataSourceId);
    expect(text(row!, 'Tweet')).toContain('Analytical Engine weaves');
    expect(text(row!, 'Note')).toBe('my summary: looms were the first programs');
    expect(row!.properties.Tags).toMatchObject({ multi_select: [{ name: 'history' }] });
  });

  it('puts the words of a DM next to a tweet it knows into Note, the tweet text into Tweet', async () => {
    await w.connect(sam);
    await w.product.app.core.saveResult(
      await w.core.saveTweet(sam, { text: link('miradraws', IDS.photos), comment: 'for the design review' }),
    );
    const [row] = w.liveRows(w.table.dataSourceId);
    expect(text(row!, 'Tweet')).toContain('Two sketches');
    expect(text(row!, 'Note')).toBe('for the design review');
  });
});

describe('the seed table (handle + tweet) with a rich tweet', () => {
  const w = useCoreWorld({
    table: { title: 'Twitter', properties: { handle: 'title', tweet: 'rich_text' } },
    fxTweets: { tweets: FX_TWEETS },
  });

  it('still gets the handle and the text, with the link after it, as before', async () => {
    await w.connect(sam);
    await w.save(sam, link('miradraws', IDS.photos));
    const [row] = w.liveRows(w.table.dataSourceId);
    expect(Object.keys(row!.properties).sort()).toStrictEqual(['handle', 'tweet']);
    expect(propertyText(row!.properties.handle)).toBe('@miradraws');
    expect(propertyText(row!.properties.tweet)).toBe(
      `Two sketches from today's notebook, after re-reading this:\n${link('miradraws', IDS.photos)}`,
    );
  });
});

describe('threads, words and tags through the kept saves, the duplicate guard and Undo', () => {
  const w = useCoreWorld({ table: { title: 'Tweets', properties: RICH_TABLE }, fxTweets: { tweets: FX_TWEETS } });
  const text = (row: { properties: Record<string, unknown> }, name: string) => propertyText(row.properties[name]);

  it('a /save-thread with words and tags kept until a table is picked lands whole; Undo trashes it', async () => {
    const other = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: RICH_TABLE });
    await w.connect(sam);
    const input = { text: `${link('tompark', IDS.threadEnd)} #ci`, comment: 'for the infra review' };
    const kept = await w.product.app.core.saveResult(await w.core.saveTweet(sam, input, { thread: true }));
    expect(kept).toMatchObject({ kind: 'needs_table', status: { kind: 'choose' }, kept: true });
    // The same thread again waits once; the tweet alone is another kept save.
    await w.product.app.core.saveResult(await w.core.saveTweet(sam, input, { thread: true }));
    const mark = w.notices.saveResults.length;
    expect(await w.core.chooseTarget(sam, other.dataSourceId)).toMatchObject({ kind: 'ready' });
    await waitFor(() => answersSince(w.notices, mark).length === 1, { what: 'the kept thread to land' });
    expect(answersSince(w.notices, mark)).toEqual([expect.objectContaining({ kind: 'saved', threadLength: 3 })]);
    const [row] = w.liveRows(other.dataSourceId);
    expect(text(row!, 'Tweet').split('\n\n')).toHaveLength(3);
    expect(text(row!, 'Note')).toBe('for the infra review');
    expect(row!.properties.Tags).toMatchObject({ multi_select: [{ name: 'ci' }] });
    expect(w.liveRows(other.dataSourceId)).toHaveLength(1);

    const again = await w.product.app.core.saveResult(await w.core.saveTweet(sam, input, { thread: true }));
    expect(again).toMatchObject({ kind: 'already_saved', pageId: row!.id });
    expect(await w.core.undoSave(sam, row!.id)).toMatchObject({ kind: 'removed' });
    expect(w.liveRows(other.dataSourceId)).toHaveLength(0);
  });
});

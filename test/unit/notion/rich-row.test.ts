import { describe, expect, it } from 'vitest';
import type { PropertyMapping } from '../../../src/core/connection.js';
import { buildRowProperties, mapSchema, type SchemaProperties } from '../../../src/notion/map-properties.js';
import { batchBlocks, BLOCKS_BYTES_MAX, pageBodyBlocks } from '../../../src/notion/page-body.js';
import { normalizeChildren } from '../../../src/sandbox/notion/blocks.js';
import type { RichTweet } from '../../../src/tweets/rich-tweet.js';

function schema(columns: Record<string, string>): SchemaProperties {
  return Object.fromEntries(Object.entries(columns).map(([name, type], i) => [name, { id: `p${i}`, name, type }]));
}

describe('mapSchema: the optional columns of a rich row', () => {
  const base = { Name: 'title', Tweet: 'rich_text' };
  const optional: [string, string, keyof PropertyMapping][] = [
    ['Posted', 'date', 'posted'],
    ['Tweeted', 'date', 'posted'],
    ['Created', 'date', 'posted'],
    ['Author', 'rich_text', 'author'],
    ['Tags', 'multi_select', 'tags'],
    ['Note', 'rich_text', 'note'],
    ['Comment', 'rich_text', 'note'],
    ['Media', 'files', 'media'],
    ['Images', 'files', 'media'],
    ['Likes', 'number', 'likes'],
  ];

  it.each(optional)('maps a %s column (%s) as %s, and nothing without it', (name, type, role) => {
    expect(mapSchema(schema({ ...base, [name]: type }))).toStrictEqual({
      mapping: { title: 'Name', text: 'Tweet', [role]: name },
    });
    expect(mapSchema(schema(base))).toStrictEqual({ mapping: { title: 'Name', text: 'Tweet' } });
  });

  it('matches by type as well as name: a Posted text column or a Likes select is not used', () => {
    expect(mapSchema(schema({ ...base, Posted: 'rich_text', Likes: 'select', Media: 'url' }))).toMatchObject({
      mapping: { title: 'Name', text: 'Tweet', link: 'Media' },
    });
    expect(mapSchema(schema({ ...base, Posted: 'rich_text' }))).toStrictEqual({
      mapping: { title: 'Name', text: 'Tweet' },
    });
  });

  it('maps the Tweets table the bot creates, and keeps the tutorial table (handle + tweet) as it was', () => {
    const created = {
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
    expect(mapSchema(schema(created))).toStrictEqual({
      mapping: {
        title: 'Handle',
        text: 'Tweet',
        link: 'Link',
        date: 'Saved',
        posted: 'Posted',
        author: 'Author',
        tags: 'Tags',
        note: 'Note',
        media: 'Media',
      },
    });
    expect(mapSchema(schema({ handle: 'title', tweet: 'rich_text' }))).toStrictEqual({
      mapping: { title: 'handle', text: 'tweet' },
    });
  });
});

describe('buildRowProperties with a rich row', () => {
  const savedAt = new Date('2026-03-21T20:50:00.000Z');
  const row = {
    handle: 'miradraws',
    text: 'Two sketches',
    link: 'https://x.com/miradraws/status/2',
    savedAt,
    postedAt: '2024-10-27T18:42:07.000Z',
    authorName: 'Mira Chen',
    tags: ['ai', 'reading', 'AI', 'a,b'],
    note: 'my words',
    media: [{ url: 'https://img.example/1.jpg', name: 'A loom' }],
    likes: 312,
  };

  it('fills each optional column the table has', () => {
    const mapping: PropertyMapping = {
      title: 'Handle',
      text: 'Tweet',
      link: 'Link',
      date: 'Saved',
      posted: 'Posted',
      author: 'Author',
      tags: 'Tags',
      note: 'Note',
      media: 'Media',
      likes: 'Likes',
    };
    expect(buildRowProperties(mapping, row)).toStrictEqual({
      Handle: { title: [{ type: 'text', text: { content: '@miradraws' } }] },
      Tweet: { rich_text: [{ type: 'text', text: { content: 'Two sketches' } }] },
      Link: { url: 'https://x.com/miradraws/status/2' },
      Saved: { date: { start: '2026-03-21T20:50:00.000Z' } },
      Posted: { date: { start: '2024-10-27T18:42:07.000Z' } },
      Author: { rich_text: [{ type: 'text', text: { content: 'Mira Chen' } }] },
      // Each tag once whatever its case; Notion refuses commas in option names.
      Tags: { multi_select: [{ name: 'ai' }, { name: 'reading' }, { name: 'a b' }] },
      Note: { rich_text: [{ type: 'text', text: { content: 'my words' } }] },
      Media: { files: [{ type: 'external', name: 'A loom', external: { url: 'https://img.example/1.jpg' } }] },
      Likes: { number: 312 },
    });
  });

  it('writes only title and text (then the link) to the seed table, as before', () => {
    expect(buildRowProperties({ title: 'handle', text: 'tweet' }, row)).toStrictEqual({
      handle: { title: [{ type: 'text', text: { content: '@miradraws' } }] },
      tweet: {
        rich_text: [
          { type: 'text', text: { content: 'Two sketches' } },
          {
            type: 'text',
            text: { content: '\nhttps://x.com/miradraws/status/2', link: { url: 'https://x.com/miradraws/status/2' } },
          },
        ],
      },
    });
  });
});

describe('pageBodyBlocks', () => {
  const photo = (i: number, j: number) => ({
    url: `https://pbs.example/media/${i}-${j}.jpg`,
    altText: `Photo ${j} of tweet ${i}`,
  });
  const tweet = (i: number, text = `Tweet ${i} of the thread`): RichTweet => ({
    id: String(1000 + i),
    url: `https://x.com/tompark/status/${1000 + i}`,
    handle: 'tompark',
    authorName: 'Tom Park',
    text,
    photos: [1, 2, 3, 4].map((j) => photo(i, j)),
  });

  it('shows a tweet as its quote, photos with alt text, video thumbnail and bookmark, quoted tweet callout and an embed', () => {
    const blocks = pageBodyBlocks([
      {
        ...tweet(1),
        photos: [photo(1, 1)],
        videos: [{ url: 'https://video.example/v.mp4', thumbnailUrl: 'https://video.example/v.jpg' }],
        quoted: {
          id: '7',
          url: 'https://x.com/adalab/status/7',
          handle: 'adalab',
          authorName: 'Ada Lab',
          text: 'The loom',
        },
      },
    ]);
    expect(blocks.map((b) => b.type)).toStrictEqual(['quote', 'image', 'image', 'bookmark', 'callout', 'embed']);
    expect(blocks[1]).toStrictEqual({
      type: 'image',
      image: {
        type: 'external',
        external: { url: photo(1, 1).url },
        caption: [{ type: 'text', text: { content: 'Photo 1 of tweet 1' } }],
      },
    });
    expect(JSON.stringify(blocks[4])).toContain('Quoting Ada Lab (@adalab)');
    expect(JSON.stringify(blocks[4])).toContain('https://x.com/adalab/status/7');
    expect(blocks[5]).toStrictEqual({ type: 'embed', embed: { url: 'https://x.com/tompark/status/1001' } });
    // Strictly as Notion validates blocks.
    expect(() => normalizeChildren(blocks, 'p', 'body.children', new Date().toISOString())).not.toThrow();
  });

  it("keeps a 25-tweet thread with 4 photos each (and long note tweets) within Notion's limits, every block in order", () => {
    const long = 'word '.repeat(5000); // 25,000 characters: a note tweet
    const thread = Array.from({ length: 25 }, (_, i) => tweet(i + 1, i % 5 === 0 ? long : undefined));
    const blocks = pageBodyBlocks(thread);
    // 25 tweets × (quote(s) + 4 images), 24 dividers, 1 embed.
    expect(blocks.filter((b) => b.type === 'image')).toHaveLength(100);
    expect(blocks.filter((b) => b.type === 'divider')).toHaveLength(24);
    for (const block of blocks) {
      const rich =
        (Object.values(block).find((v) => typeof v === 'object') as { rich_text?: { text: { content: string } }[] })
          .rich_text ?? [];
      expect(rich.length).toBeLessThanOrEqual(100);
      for (const item of rich) expect(item.text.content.length).toBeLessThanOrEqual(2000);
    }
    const batches = batchBlocks(blocks, BLOCKS_BYTES_MAX - 10_000);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(100);
      expect(Buffer.byteLength(JSON.stringify({ children: batch }))).toBeLessThan(500 * 1024);
      expect(() => normalizeChildren(batch, 'p', 'body.children', new Date().toISOString())).not.toThrow();
    }
    expect(batches.flat()).toStrictEqual(blocks);
    const quoted = batches
      .flat()
      .filter((b) => b.type === 'quote')
      .map((b) =>
        (b.quote as { rich_text: { text: { content: string } }[] }).rich_text.map((r) => r.text.content).join(''),
      );
    expect(quoted.join('')).toBe(thread.map((t) => t.text).join(''));
  });
});

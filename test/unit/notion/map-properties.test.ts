import { describe, expect, it } from 'vitest';
import type { PropertyMapping } from '../../../src/core/connection.js';
import {
  buildRowProperties,
  mapSchema,
  splitRichText,
  type SchemaProperties,
} from '../../../src/notion/map-properties.js';

/** A schema from `name: type` pairs, shaped like a data source's `properties`. */
function schema(columns: Record<string, string>): SchemaProperties {
  return Object.fromEntries(Object.entries(columns).map(([name, type], i) => [name, { id: `p${i}`, name, type }]));
}

describe('mapSchema', () => {
  it("maps the table from Notion's public-integration tutorial with no configuration", () => {
    // developers.notion.com "Build a public integration": a "Twitter" table with `handle` (title) and `tweet` (text).
    expect(mapSchema(schema({ handle: 'title', tweet: 'rich_text' }))).toStrictEqual({
      mapping: { title: 'handle', text: 'tweet' },
    });
  });

  it('prefers the rich_text column named Tweet, case-insensitive and trimmed', () => {
    expect(
      mapSchema(schema({ Name: 'title', Notes: 'rich_text', ' TWEET ': 'rich_text', Summary: 'rich_text' })),
    ).toStrictEqual({
      mapping: { title: 'Name', text: ' TWEET ', note: 'Notes' },
    });
  });

  it('takes the only rich_text column whatever its name', () => {
    expect(mapSchema(schema({ Name: 'title', Content: 'rich_text', Tags: 'multi_select' }))).toStrictEqual({
      mapping: { title: 'Name', text: 'Content', tags: 'Tags' },
    });
    // Author and Note columns are never the text: the one other rich_text column is.
    expect(
      mapSchema(schema({ Name: 'title', Content: 'rich_text', Author: 'rich_text', Note: 'rich_text' })),
    ).toStrictEqual({
      mapping: { title: 'Name', text: 'Content', author: 'Author', note: 'Note' },
    });
  });

  it('asks for a Tweet text column when several rich_text columns exist and none is named Tweet', () => {
    expect(mapSchema(schema({ Name: 'title', Excerpt: 'rich_text', Summary: 'rich_text' }))).toStrictEqual({
      missing: { name: 'Tweet', type: 'Text' },
    });
  });

  it('asks for a Tweet text column when there is no rich_text column', () => {
    expect(mapSchema(schema({ Name: 'title', Link: 'url', Tweet: 'multi_select' }))).toStrictEqual({
      missing: { name: 'Tweet', type: 'Text' },
    });
    expect(mapSchema(schema({ Name: 'title' }))).toStrictEqual({ missing: { name: 'Tweet', type: 'Text' } });
  });

  it('chooses the url column named Link or URL, else the only one, else none', () => {
    const base = { Name: 'title', Tweet: 'rich_text' };
    expect(mapSchema(schema({ ...base, Source: 'url', link: 'url' }))).toMatchObject({ mapping: { link: 'link' } });
    expect(mapSchema(schema({ ...base, Website: 'url', Url: 'url' }))).toMatchObject({ mapping: { link: 'Url' } });
    expect(mapSchema(schema({ ...base, Source: 'url' }))).toMatchObject({ mapping: { link: 'Source' } });
    const ambiguous = mapSchema(schema({ ...base, Source: 'url', Website: 'url' }));
    expect(ambiguous).toStrictEqual({ mapping: { title: 'Name', text: 'Tweet' } });
  });

  it('chooses a date column named like Saved / Saved at / Date / Saved on, else none', () => {
    const base = { Name: 'title', Tweet: 'rich_text' };
    for (const name of ['Saved', 'saved at', 'Date', 'Saved On']) {
      expect(mapSchema(schema({ ...base, [name]: 'date' }))).toStrictEqual({
        mapping: { title: 'Name', text: 'Tweet', date: name },
      });
    }
    expect(mapSchema(schema({ ...base, Date: 'date', Saved: 'date' }))).toMatchObject({ mapping: { date: 'Saved' } });
    expect(mapSchema(schema({ ...base, Deadline: 'date' }))).toStrictEqual({
      mapping: { title: 'Name', text: 'Tweet' },
    });
    // Created time is automatic and cannot be written.
    expect(mapSchema(schema({ ...base, Created: 'created_time' }))).toStrictEqual({
      mapping: { title: 'Name', text: 'Tweet' },
    });
  });

  it('maps a full table', () => {
    expect(
      mapSchema(schema({ Handle: 'title', Tweet: 'rich_text', Link: 'url', 'Saved at': 'date', Tags: 'multi_select' })),
    ).toStrictEqual({
      mapping: { title: 'Handle', text: 'Tweet', link: 'Link', date: 'Saved at', tags: 'Tags' },
    });
  });
});

describe('buildRowProperties', () => {
  const savedAt = new Date('2026-03-21T20:50:00.000Z');
  const full: PropertyMapping = { title: 'Handle', text: 'Tweet', link: 'Link', date: 'Saved' };
  const minimal: PropertyMapping = { title: 'handle', text: 'tweet' };
  type RichText = Array<{ type: 'text'; text: { content: string; link?: { url: string } } }>;
  const richText = (props: Record<string, unknown>, name: string): RichText =>
    (props[name] as { rich_text: RichText }).rich_text;
  const joined = (items: RichText): string => items.map((i) => i.text.content).join('');

  it('builds the title, text, url and date properties', () => {
    const props = buildRowProperties(full, {
      handle: 'jack',
      text: 'just setting up my twttr',
      link: 'https://x.com/jack/status/20',
      savedAt,
    });
    expect(props).toStrictEqual({
      Handle: { title: [{ type: 'text', text: { content: '@jack' } }] },
      Tweet: { rich_text: [{ type: 'text', text: { content: 'just setting up my twttr' } }] },
      Link: { url: 'https://x.com/jack/status/20' },
      Saved: { date: { start: '2026-03-21T20:50:00.000Z' } },
    });
  });

  it('leaves out the url property when the row has no link', () => {
    const props = buildRowProperties(full, { handle: 'jack', text: 'hi', savedAt });
    expect(Object.keys(props).sort()).toStrictEqual(['Handle', 'Saved', 'Tweet']);
  });

  it('appends the link as a final linked rich text item when there is no link column', () => {
    const props = buildRowProperties(minimal, {
      handle: 'jack',
      text: 'just setting up my twttr',
      link: 'https://x.com/jack/status/20',
      savedAt,
    });
    expect(props).toStrictEqual({
      handle: { title: [{ type: 'text', text: { content: '@jack' } }] },
      tweet: {
        rich_text: [
          { type: 'text', text: { content: 'just setting up my twttr' } },
          {
            type: 'text',
            text: { content: '\nhttps://x.com/jack/status/20', link: { url: 'https://x.com/jack/status/20' } },
          },
        ],
      },
    });
  });

  it('splits 4,500 characters into 3 items of at most 2,000 that join back to the input', () => {
    const text = 'lorem ipsum dolor sit amet, '.repeat(200).slice(0, 4500);
    const items = richText(buildRowProperties(minimal, { handle: 'jack', text, savedAt }), 'tweet');
    expect(items).toHaveLength(3);
    for (const item of items) expect(item.text.content.length).toBeLessThanOrEqual(2000);
    expect(joined(items)).toBe(text);
    // Split at whitespace near the limit, not mid-word.
    expect(items[0]?.text.content.endsWith(' ')).toBe(true);
    expect(items[0]?.text.content.length).toBeGreaterThan(1900);
  });

  it('splits text without whitespace exactly at 2,000', () => {
    const text = 'x'.repeat(4500);
    expect(splitRichText(text).map((c) => c.length)).toStrictEqual([2000, 2000, 500]);
  });

  it('never splits an emoji (surrogate pair) at the boundary', () => {
    const text = 'x'.repeat(1999) + '🐦' + 'y'.repeat(100);
    const items = richText(buildRowProperties(minimal, { handle: 'jack', text, savedAt }), 'tweet');
    expect(items.map((i) => i.text.content.length)).toStrictEqual([1999, 102]);
    expect(items[1]?.text.content.startsWith('🐦')).toBe(true);
    expect(joined(items)).toBe(text);
    const wellFormed = (s: string): boolean =>
      !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
    for (const item of items) expect(wellFormed(item.text.content)).toBe(true);
  });

  it('keeps text up to 100 items and throws a RangeError beyond', () => {
    const max = 'x'.repeat(200_000);
    expect(richText(buildRowProperties(full, { handle: 'jack', text: max, savedAt }), 'Tweet')).toHaveLength(100);
    expect(() => buildRowProperties(full, { handle: 'jack', text: max + 'x', savedAt })).toThrow(RangeError);
    // The appended link counts as an item too.
    expect(() =>
      buildRowProperties(minimal, { handle: 'jack', text: max, link: 'https://x.com/jack/status/20', savedAt }),
    ).toThrow(/at most 100/);
  });

  it('does not double the @ of a handle', () => {
    const props = buildRowProperties(minimal, { handle: '@jack', text: 'hi', savedAt });
    expect(props['handle']).toStrictEqual({ title: [{ type: 'text', text: { content: '@jack' } }] });
  });
});

import type { PropertyMapping } from '../core/connection.js';
import type { MissingColumn, TweetRow } from '../core/ports.js';

/** A data source's schema as Notion returns it: property name -> { id, name, type }. */
export type SchemaProperties = Record<string, { id: string; name?: string; type: string }>;

/** Notion's per-item limit for `text.content` (UTF-16 code units). */
export const RICH_TEXT_ITEM_MAX = 2000;
/** Notion's limit on the items of one rich text array. */
export const RICH_TEXT_ITEMS_MAX = 100;
/** How far back from the limit a split looks for whitespace. */
const SPLIT_LOOKBACK = 100;

const TEXT_NAMES = ['tweet'];
const LINK_NAMES = ['link', 'url'];
/** In order of preference. */
const DATE_NAMES = ['saved', 'saved at', 'saved on', 'date saved', 'date'];
/** The tweet's own time; in order of preference. */
const POSTED_NAMES = [
  'posted',
  'posted at',
  'posted on',
  'date posted',
  'tweeted',
  'tweeted at',
  'tweeted on',
  'created',
  'created at',
];
const AUTHOR_NAMES = ['author', 'author name', 'by'];
const NOTE_NAMES = ['note', 'notes', 'comment', 'comments', 'my note'];
const TAG_NAMES = ['tags', 'tag', 'labels', 'topics'];
const MEDIA_NAMES = ['media', 'images', 'image', 'photos', 'pictures'];
const LIKES_NAMES = ['likes', 'like count', 'likes count'];
/** Notion's limit on a select option's name, and on a file's name. */
const OPTION_NAME_MAX = 100;
/** Notion's limit on the items of a multi_select or files value. */
const ARRAY_ITEMS_MAX = 100;

const norm = (name: string): string => name.trim().toLowerCase();

/**
 * Decides which columns of a table receive a tweet. Keys of `properties` are property names.
 * - title: the `title` property (receives `@handle`);
 * - text: the `rich_text` property named `Tweet` (case-insensitive, trimmed), else the only `rich_text` property;
 *   none -> `missing: { name: 'Tweet', type: 'Text' }`;
 * - link: a `url` property named `Link`/`URL`, else the only `url` property, else none;
 * - date: a `date` property named `Saved`, `Saved at`, `Saved on`, `Date saved`, `Date`, else none;
 * - posted: a `date` property named `Posted`, `Tweeted`, `Created` (or `… at` / `… on`), else none;
 * - author / note: a `rich_text` property named `Author` / `Note` or `Comment`, else none (never the tweet's text);
 * - tags: a `multi_select` named `Tags`, else the only `multi_select`; media: a `files` property named `Media` or
 *   `Images`, else the only `files` property; likes: a `number` property named `Likes`.
 * Notion's public-integration tutorial table (`handle` title + `tweet` text) maps as is.
 */
export function mapSchema(properties: SchemaProperties): { mapping: PropertyMapping } | { missing: MissingColumn } {
  const entries = Object.entries(properties);
  const ofType = (type: string): string[] => entries.filter(([, p]) => p.type === type).map(([name]) => name);

  const title = ofType('title')[0];
  // Every Notion table has a title property; a schema without one cannot be written to.
  if (title === undefined) return { missing: { name: 'Name', type: 'Title' } };

  const named = (type: string, names: string[]): string | undefined => {
    const candidates = ofType(type);
    for (const wanted of names) {
      const found = candidates.find((name) => norm(name) === wanted);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const namedOrOnly = (type: string, names: string[]): string | undefined => {
    const candidates = ofType(type);
    return named(type, names) ?? (candidates.length === 1 ? candidates[0] : undefined);
  };

  const author = named('rich_text', AUTHOR_NAMES);
  const note = named('rich_text', NOTE_NAMES);
  // Author and Note columns are never the tweet's text, so a table with Tweet-like text plus those still maps.
  const texts = ofType('rich_text').filter((name) => name !== author && name !== note);
  const text = texts.find((name) => TEXT_NAMES.includes(norm(name))) ?? (texts.length === 1 ? texts[0] : undefined);
  if (text === undefined) return { missing: { name: 'Tweet', type: 'Text' } };

  const urls = ofType('url');
  const link = urls.find((name) => LINK_NAMES.includes(norm(name))) ?? (urls.length === 1 ? urls[0] : undefined);

  const dates = ofType('date');
  let date: string | undefined;
  for (const wanted of DATE_NAMES) {
    date = dates.find((name) => norm(name) === wanted);
    if (date !== undefined) break;
  }

  const mapping: PropertyMapping = { title, text };
  if (link !== undefined) mapping.link = link;
  if (date !== undefined) mapping.date = date;
  const optional: Partial<PropertyMapping> = {
    posted: named('date', POSTED_NAMES),
    author,
    note,
    tags: namedOrOnly('multi_select', TAG_NAMES),
    media: namedOrOnly('files', MEDIA_NAMES),
    likes: named('number', LIKES_NAMES),
  };
  for (const [role, name] of Object.entries(optional)) {
    if (name !== undefined && name !== date) (mapping as unknown as Record<string, string>)[role] = name;
  }
  return { mapping };
}

interface RichTextItem {
  type: 'text';
  text: { content: string; link?: { url: string } };
}

/**
 * The `properties` body of `POST /v1/pages` for one tweet. The text is split into rich text items of at most
 * 2,000 UTF-16 code units (never inside a surrogate pair, preferably after whitespace), never truncated. Without a
 * link column the link is appended to the text as a final linked item. Throws RangeError when the text needs more
 * than 100 items (about 200,000 characters).
 */
export function buildRowProperties(mapping: PropertyMapping, row: TweetRow): Record<string, unknown> {
  const handle = row.handle.startsWith('@') ? row.handle : `@${row.handle}`;
  const richText: RichTextItem[] = splitRichText(row.text).map((content) => ({ type: 'text', text: { content } }));
  if (row.link && !mapping.link) {
    richText.push({ type: 'text', text: { content: row.text ? `\n${row.link}` : row.link, link: { url: row.link } } });
  }
  if (richText.length > RICH_TEXT_ITEMS_MAX) {
    throw new RangeError(
      `tweet text needs ${richText.length} rich text items of ${RICH_TEXT_ITEM_MAX} characters; Notion allows at most ${RICH_TEXT_ITEMS_MAX} (text length ${row.text.length})`,
    );
  }

  const properties: Record<string, unknown> = {
    [mapping.title]: { title: [{ type: 'text', text: { content: handle } }] },
    [mapping.text]: { rich_text: richText },
  };
  if (mapping.link && row.link) properties[mapping.link] = { url: row.link };
  if (mapping.date) properties[mapping.date] = { date: { start: row.savedAt.toISOString() } };
  if (mapping.posted && row.postedAt) properties[mapping.posted] = { date: { start: row.postedAt } };
  if (mapping.author && row.authorName) properties[mapping.author] = { rich_text: richTextOf(row.authorName) };
  if (mapping.note && row.note) properties[mapping.note] = { rich_text: richTextOf(row.note) };
  const tags = optionNames(row.tags ?? []);
  if (mapping.tags && tags.length > 0) properties[mapping.tags] = { multi_select: tags.map((name) => ({ name })) };
  const media = (row.media ?? []).slice(0, ARRAY_ITEMS_MAX);
  if (mapping.media && media.length > 0) {
    properties[mapping.media] = {
      files: media.map((m) => ({
        type: 'external',
        name: m.name.slice(0, OPTION_NAME_MAX) || 'image',
        external: { url: m.url },
      })),
    };
  }
  if (mapping.likes && row.likes !== undefined && Number.isFinite(row.likes))
    properties[mapping.likes] = { number: row.likes };
  return properties;
}

/** Text as rich text items, cut to Notion's 100 items (a note or a name never comes near). */
export function richTextOf(text: string): RichTextItem[] {
  return splitRichText(text)
    .slice(0, RICH_TEXT_ITEMS_MAX)
    .map((content) => ({ type: 'text', text: { content } }));
}

/**
 * Multi-select option names as Notion takes them: no commas (Notion refuses them), at most 100 characters, each
 * once (any case), at most 100.
 */
export function optionNames(tags: string[]): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const tag of tags) {
    const name = tag.replace(/,/g, ' ').replace(/\s+/g, ' ').trim().slice(0, OPTION_NAME_MAX).trim();
    if (!name || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    names.push(name);
  }
  return names.slice(0, ARRAY_ITEMS_MAX);
}

/**
 * Splits text into chunks of at most `max` UTF-16 code units whose concatenation is the text. A chunk ends after the
 * last whitespace within the final `SPLIT_LOOKBACK` units when there is one, and never between the halves of a
 * surrogate pair.
 */
export function splitRichText(text: string, max = RICH_TEXT_ITEM_MAX): string[] {
  const chunks: string[] = [];
  let start = 0;
  while (text.length - start > max) {
    let end = start + max;
    const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
    if (isHighSurrogate(text.charCodeAt(end - 1))) end--;
    for (let i = end - 1; i >= Math.max(start + 1, end - SPLIT_LOOKBACK); i--) {
      if (/\s/.test(text[i] ?? '')) {
        end = i + 1;
        break;
      }
    }
    chunks.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) chunks.push(text.slice(start));
  return chunks;
}

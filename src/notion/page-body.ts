import type { RichTweet } from '../tweets/rich-tweet.js';
import { RICH_TEXT_ITEMS_MAX, splitRichText } from './map-properties.js';

/** Notion's limits on one request (developers.notion.com/reference/request-limits). */
export const CHILDREN_PER_REQUEST_MAX = 100;
/** Notion refuses payloads over 500 KB; a request's blocks stay under this, leaving room for the rest of the body. */
export const BLOCKS_BYTES_MAX = 400 * 1024;
/** Notion's limit on a URL in a block. */
const URL_MAX = 2000;

type RichText = { type: 'text'; text: { content: string; link?: { url: string } } }[];
/** A block as `pages.create` and `blocks.children.append` take it. */
export type BodyBlock = Record<string, unknown> & { type: string };

const usableUrl = (url: string | undefined): url is string =>
  url !== undefined && url.length <= URL_MAX && /^https?:\/\//i.test(url);

/** Text as rich text arrays of at most 100 items of 2,000 characters: more than one when the text is longer. */
function richTexts(text: string): RichText[] {
  const items = splitRichText(text).map((content) => ({ type: 'text' as const, text: { content } }));
  const arrays: RichText[] = [];
  for (let i = 0; i < items.length; i += RICH_TEXT_ITEMS_MAX) arrays.push(items.slice(i, i + RICH_TEXT_ITEMS_MAX));
  return arrays;
}

const plain = (content: string, url?: string): RichText[number] =>
  url ? { type: 'text', text: { content, link: { url } } } : { type: 'text', text: { content } };

function image(url: string, caption: string | undefined): BodyBlock {
  return {
    type: 'image',
    image: { type: 'external', external: { url }, caption: caption ? (richTexts(caption)[0] ?? []) : [] },
  };
}

const byline = (t: RichTweet): string =>
  t.authorName && t.handle ? `${t.authorName} (@${t.handle})` : t.handle ? `@${t.handle}` : (t.authorName ?? 'A tweet');

/** One tweet's blocks: its text as quotes, its photos, its videos and the tweet it quotes. */
function tweetBlocks(tweet: RichTweet): BodyBlock[] {
  const blocks: BodyBlock[] = [];
  for (const rich_text of richTexts(tweet.text ?? '')) blocks.push({ type: 'quote', quote: { rich_text } });
  for (const photo of tweet.photos ?? []) if (usableUrl(photo.url)) blocks.push(image(photo.url, photo.altText));
  for (const video of tweet.videos ?? []) {
    if (!usableUrl(video.url)) continue;
    // Notion plays only some hosts' videos: the thumbnail shows it, the bookmark opens it.
    if (usableUrl(video.thumbnailUrl)) blocks.push(image(video.thumbnailUrl, 'Video'));
    blocks.push({ type: 'bookmark', bookmark: { url: video.url, caption: [plain('Video')] } });
  }
  const quoted = tweet.quoted;
  if (quoted) {
    const [first, ...rest] = richTexts(quoted.text ?? '');
    const head: RichText = [
      plain(`Quoting ${byline(quoted)}`, usableUrl(quoted.url) ? quoted.url : undefined),
      plain('\n'),
    ];
    // The callout holds as much of the quoted text as fits one rich text array; longer text follows as paragraphs.
    const inCallout = [...head, ...(first ?? []).slice(0, RICH_TEXT_ITEMS_MAX - head.length)];
    blocks.push({ type: 'callout', callout: { rich_text: inCallout, icon: { type: 'emoji', emoji: '💬' } } });
    const overflow = (first ?? []).slice(RICH_TEXT_ITEMS_MAX - head.length);
    if (overflow.length > 0) blocks.push({ type: 'paragraph', paragraph: { rich_text: overflow } });
    for (const rich_text of rest) blocks.push({ type: 'paragraph', paragraph: { rich_text } });
  }
  return blocks;
}

/**
 * The page body of a saved tweet or thread: each tweet in order (its text as a quote, each photo as an image with
 * its alt text as caption, a video as its thumbnail and a bookmark, the quoted tweet as a callout with its author and
 * link), tweets of a thread divided, then an embed of the (first) tweet, which Notion renders as the tweet. Every
 * rich text item stays within 2,000 characters and every array within 100 items. Pure.
 */
export function pageBodyBlocks(tweets: RichTweet[]): BodyBlock[] {
  const blocks: BodyBlock[] = [];
  tweets.forEach((tweet, i) => {
    if (i > 0) blocks.push({ type: 'divider', divider: {} });
    blocks.push(...tweetBlocks(tweet));
  });
  const embedUrl = tweets[0]?.url;
  if (usableUrl(embedUrl)) blocks.push({ type: 'embed', embed: { url: embedUrl } });
  return blocks;
}

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/**
 * Splits blocks into requests: each at most 100 blocks and `maxBytes` of JSON; the first has `firstMaxBytes` (the
 * `pages.create` call also carries the properties). A block too big for any request is left out rather than failing
 * the save (one block holds at most 200,000 characters, far under 400 KB in all but pathological text).
 */
export function batchBlocks(blocks: BodyBlock[], firstMaxBytes: number, maxBytes = BLOCKS_BYTES_MAX): BodyBlock[][] {
  const batches: BodyBlock[][] = [[]];
  let size = 2;
  let budget = firstMaxBytes;
  for (const block of blocks) {
    const blockBytes = bytes(block) + 1;
    if (blockBytes + 2 > maxBytes) continue;
    const current = batches[batches.length - 1]!;
    if (current.length >= CHILDREN_PER_REQUEST_MAX || size + blockBytes > budget) {
      batches.push([block]);
      size = 2 + blockBytes;
      budget = maxBytes;
    } else {
      current.push(block);
      size += blockBytes;
    }
  }
  return batches;
}

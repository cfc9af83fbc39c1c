import type { ResolvedTweet } from '../tweets/resolve-tweet.js';
import type { RichTweet } from '../tweets/rich-tweet.js';
import type { Tweet } from '../tweets/tweet.js';
import type { TweetRow } from './ports.js';

/** What the user gave besides the link, as the save job carries it. */
export interface SaveWords {
  /** The sender's own words next to the link (a DM, a forward, a message shortcut). */
  comment?: string | undefined;
  /** `#tags` typed after the link. */
  tags?: string[] | undefined;
}

/** A thread's text in the text column: Notion holds 100 items of 2,000 characters; the page body has all of it. */
const THREAD_TEXT_MAX = 190_000;

const comparable = (text: string): string =>
  text
    .replace(/https?:\/\/\S+/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

/** True when `typed` is (the start of) `text`, ignoring links, case, spacing and punctuation. */
function sameText(typed: string, text: string): boolean {
  const a = comparable(typed);
  return a === '' || comparable(text).includes(a.slice(0, 60));
}

/**
 * The row for a resolved tweet (or thread): `@handle`, the text (a thread's tweets joined by blank lines), the link,
 * the times, the author's name, the photos, the likes, the user's tags and words, and the tweets for the page body.
 * The user's words are never dropped: they are the note, and the text when no source gave one; text typed as the
 * tweet's (`/save-tweet <link> <text>`) that the fetched text does not contain becomes the note too. Pure.
 */
export function buildTweetRow(given: Tweet, resolved: ResolvedTweet, words: SaveWords, savedAt: Date): TweetRow {
  const tweet = resolved.tweet;
  const chain: RichTweet[] = tweet.thread && tweet.thread.length > 1 ? tweet.thread : [tweet];
  const first = chain[0] ?? tweet;
  const comment = words.comment?.trim() || undefined;
  let text = chain
    .map((t) => t.text ?? '')
    .filter((t) => t !== '')
    .join('\n\n');
  if (text.length > THREAD_TEXT_MAX) text = `${text.slice(0, THREAD_TEXT_MAX)}…`;
  if (!text && comment) text = comment;
  const typedAside =
    given.text && resolved.source !== 'chat' && text && !sameText(given.text, text) ? given.text : undefined;
  const note = [comment, typedAside].filter((n): n is string => Boolean(n)).join('\n\n') || undefined;

  const row: TweetRow = {
    handle: first.handle ?? given.handle ?? first.authorName ?? given.authorName ?? 'unknown',
    text,
    link: first.url ?? given.url,
    savedAt,
  };
  const postedAt = first.createdAt ?? first.postedDay;
  if (postedAt) row.postedAt = postedAt;
  const authorName = first.authorName ?? given.authorName;
  if (authorName) row.authorName = authorName;
  if (words.tags && words.tags.length > 0) row.tags = words.tags;
  if (note) row.note = note;
  const media = chain
    .flatMap((t) => t.photos ?? [])
    .map((p, i) => ({ url: p.url, name: p.altText?.trim() || `photo-${i + 1}` }));
  if (media.length > 0) row.media = media;
  if (first.likes !== undefined) row.likes = first.likes;
  // A page body only when there is more than the row already says: a fetched tweet, or a thread.
  if (resolved.source !== 'link' && resolved.source !== 'words' && first.id) row.body = chain;
  return row;
}

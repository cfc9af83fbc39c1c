import type { ParsedTweetInput } from './parse-tweet-input.js';
import type { Tweet, TweetInput } from './tweet.js';

/** A tag as typed: `#` then letters, digits, `_` or `-`. */
const TAG = /^#([\p{L}\p{N}_][\p{L}\p{N}_-]{0,99})$/u;

/** What a save carries besides the tweet: the sender's words and tags. */
export interface SaveWordsOf {
  /** The tweet with tags taken out of text the user typed. */
  tweet: Tweet;
  /** The sender's own words next to the link (DM, forward, shortcut), tags taken out. */
  comment?: string | undefined;
  /** Tags typed at the end, in order, each once (any case), without the `#`. */
  tags?: string[] | undefined;
}

/**
 * Splits the `#tags` that end `text` from the words before them: `great read #ai #reading` is
 * `{ rest: 'great read', tags: ['ai', 'reading'] }`. Only a trailing run counts, so a hashtag inside a sentence stays
 * part of it. Pure.
 */
export function splitTrailingTags(text: string): { rest: string; tags: string[] } {
  const tokens = text.trimEnd().split(/(\s+)/);
  const tags: string[] = [];
  while (tokens.length > 0) {
    const last = tokens[tokens.length - 1] ?? '';
    const match = TAG.exec(last);
    if (!match) break;
    tags.unshift(match[1] ?? '');
    tokens.pop();
    if (tokens.length > 0 && /^\s+$/.test(tokens[tokens.length - 1] ?? '')) tokens.pop();
  }
  return { rest: tokens.join('').trim(), tags };
}

function unique(tags: string[]): string[] {
  const seen = new Set<string>();
  return tags.filter((t) => {
    const key = t.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The tags and the sender's words of a save, from the parser's output (`parsed`) and the input it read: tags are the
 * `#words` ending the text typed after the link (`/save-tweet <link> #ai #reading`) or ending the sender's comment
 * (a DM: `<link> great read #ai`); they leave the text. Text from an unfurl is the tweet's own and keeps its
 * hashtags. Pure; never throws.
 */
export function saveWordsOf(input: TweetInput, parsed: Extract<ParsedTweetInput, { kind: 'tweet' }>): SaveWordsOf {
  const tweet: Tweet = { ...parsed.tweet };
  const tags: string[] = [];
  const typed = input.unfurl?.text === undefined;
  if (typed && tweet.id && tweet.text) {
    const split = splitTrailingTags(tweet.text);
    tags.push(...split.tags);
    if (split.rest) tweet.text = split.rest;
    else delete tweet.text;
  }
  let comment: string | undefined;
  if (input.comment) {
    const split = splitTrailingTags(input.comment);
    tags.push(...split.tags);
    comment = split.rest || undefined;
  }
  const result: SaveWordsOf = { tweet };
  if (comment) result.comment = comment;
  if (tags.length > 0) result.tags = unique(tags);
  return result;
}

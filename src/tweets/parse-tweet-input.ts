import { extractAttribution, sameHandle } from './attribution.js';
import { cleanText, hasWords, render, tokenize, type MarkedText } from './marked-text.js';
import { canonicalTweetUrl, type TweetLink } from './tweet-link.js';
import type { Tweet, TweetInput } from './tweet.js';
import { readUnfurl, unfurlMatches } from './unfurl-facts.js';

/** What a user's `/save-tweet` input (plus any platform unfurl) amounts to. */
export type ParsedTweetInput =
  { kind: 'tweet'; tweet: Tweet } | { kind: 'empty' } | { kind: 'not_tweet_link'; url: string } | { kind: 'no_tweet' };

/**
 * Reads what people paste into `/save-tweet` or a message shortcut, once the adapter decoded the platform's markup:
 * tweet links on any X host or embed fixer, `@handle text`, text copied from X's web UI or from an embed blockquote,
 * HTML escapes, and fills gaps from `input.unfurl`. Three stages: tokenising (`marked-text.ts`), attribution
 * (`attribution.ts`) and the unfurl (`unfurl-facts.ts`).
 *
 * - `tweet`: a tweet link or an author handle was found. `tweet.url` is canonical (`https://x.com/<handle>/status/<id>`,
 *   or `/i/web/status/<id>` without a handle); `tweet.text` is undefined when only a link was given (fetch it from
 *   oEmbed). Text is read up to `MAX_INPUT_CHARS` and never shortened below that.
 * - `not_tweet_link`: only links, none of them to a tweet, and no handle; `url` is the first one.
 * - `no_tweet`: some text, but neither a tweet link nor an author handle.
 * - `empty`: nothing but whitespace and chat markup.
 *
 * Pure; never throws; linear in the input.
 */
export function parseTweetInput(input: TweetInput): ParsedTweetInput {
  const message = tokenize(input);
  const messageLink = message.links.find((l) => l.tweet !== undefined)?.tweet;
  const rendered = cleanText(render(message, messageLink?.id));
  const typed = extractAttribution(rendered, messageLink?.handle);

  const unfurl = input.unfurl ? readUnfurl(input.unfurl) : undefined;
  const useUnfurl = unfurl !== undefined && unfurlMatches(unfurl, messageLink, typed.handle);

  const id = messageLink?.id ?? (useUnfurl ? unfurl.link?.id : undefined);
  let handle = messageLink?.handle ?? typed.handle;
  let authorName = typed.authorName;
  let text = typed.text;
  if (useUnfurl) {
    handle ??= unfurl.link?.handle ?? unfurl.handle ?? unfurl.bareName;
    authorName ??=
      unfurl.authorName ??
      (unfurl.bareName !== undefined && !sameHandle(unfurl.bareName, handle) ? unfurl.bareName : undefined);
    // The unfurl carries the tweet's own text; words typed around the link are the poster's comment.
    text = unfurl.text ?? text;
  }

  if (id !== undefined || handle !== undefined) {
    const tweet: Tweet = {};
    if (id !== undefined) {
      tweet.id = id;
      tweet.url = canonicalTweetUrl(id, handle);
    }
    if (handle !== undefined) tweet.handle = handle;
    if (authorName !== undefined) tweet.authorName = authorName;
    if (text !== undefined) tweet.text = text;
    return { kind: 'tweet', tweet };
  }

  const messageHasWords = hasWords(render(message, undefined, true));
  const firstLink = message.links[0]?.url ?? unfurl?.otherLink;
  if (firstLink !== undefined && !messageHasWords) return { kind: 'not_tweet_link', url: firstLink };
  if (messageHasWords || (useUnfurl && unfurl.text !== undefined)) return { kind: 'no_tweet' };
  return { kind: 'empty' };
}

/** The first tweet link in decoded chat text (marked-up, bare or scheme-less, HTML-escaped), or undefined. Pure. */
export function firstTweetLink(text: MarkedText): TweetLink | undefined {
  return tokenize(text).links.find((l) => l.tweet !== undefined)?.tweet;
}

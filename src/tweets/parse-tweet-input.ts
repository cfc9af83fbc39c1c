import { decodeHtmlEntities } from './html-text.js';
import type { Tweet, TweetInput, TweetUnfurl } from './tweet.js';
import { HANDLE_PATTERN, canonicalTweetUrl, parseTweetLink, type TweetLink } from './tweet-link.js';

/** What a user's `/save-tweet` input (plus any platform unfurl) amounts to. */
export type ParsedTweetInput =
  | { kind: 'tweet'; tweet: Tweet }
  | { kind: 'empty' }
  | { kind: 'not_tweet_link'; url: string }
  | { kind: 'no_tweet' };

/**
 * Reads what people paste into `/save-tweet` or a message shortcut: tweet links on any X host or embed fixer,
 * `@handle text`, text copied from X's web UI or from an embed blockquote, Slack/Discord markup and Slack's HTML
 * escapes, and fills gaps from `input.unfurl`.
 *
 * - `tweet`: a tweet link or an author handle was found. `tweet.url` is canonical (`https://x.com/<handle>/status/<id>`,
 *   or `/i/web/status/<id>` without a handle); `tweet.text` is undefined when only a link was given (fetch it from
 *   oEmbed). Text is never truncated.
 * - `not_tweet_link`: only links, none of them to a tweet, and no handle; `url` is the first one.
 * - `no_tweet`: some text, but neither a tweet link nor an author handle.
 * - `empty`: nothing but whitespace and chat markup.
 *
 * Pure; never throws.
 */
export function parseTweetInput(input: TweetInput): ParsedTweetInput {
  const message = tokenize(input.text ?? '');
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
    authorName ??= unfurl.authorName ?? (unfurl.bareName !== undefined && !sameHandle(unfurl.bareName, handle) ? unfurl.bareName : undefined);
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

/**
 * The first tweet link in chat text, in any form `parseTweetInput` reads (Slack `<url|label>`, Discord `[label](url)`
 * and `<url>`, bare or scheme-less URLs on any tweet host, HTML-escaped), or undefined. Pure; never throws.
 */
export function firstTweetLink(text: string): TweetLink | undefined {
  return tokenize(text).links.find((l) => l.tweet !== undefined)?.tweet;
}

// ---------------------------------------------------------------------------------------------------------------
// Tokenizing: chat markup and links become placeholders, so later steps can drop exactly the tweet link.

interface LinkToken {
  url: string;
  /** Slack `<url|label>` or Discord `[label](url)`. */
  label?: string | undefined;
  tweet?: TweetLink | undefined;
}

interface Tokenized {
  /** Text with each link replaced by `\uE000<index>\uE001`. */
  content: string;
  links: LinkToken[];
}

const TOKEN = /\uE000(\d+)\uE001/g;
/** Marks where a link was removed, so the gap collapses to one space. */
const REMOVED = '\uE002';
const SCHEME_LESS_TWEET_HOST = String.raw`(?:(?:www|mobile|m)\.)?(?:twitter|x|fxtwitter|vxtwitter|fixupx|fixvx|twittpr|fixtwitter)\.com/`;
const BARE_URL = new RegExp(
  String.raw`https?://[^\s<>"\uE000\uE001]+|(?<![\w@./-])${SCHEME_LESS_TWEET_HOST}[^\s<>"\uE000\uE001]+`,
  'gi',
);
/** Punctuation that ends a sentence rather than a URL. */
const URL_TAIL = /[.,;:!?'"\u2019\u201d)\]}*_~\u2026]+$/;

function tokenize(raw: string): Tokenized {
  const links: LinkToken[] = [];
  const token = (url: string, label?: string): string => {
    const cleanUrl = decodeHtmlEntities(url.trim());
    const link: LinkToken = { url: /^https?:\/\//i.test(cleanUrl) ? cleanUrl : `https://${cleanUrl}` };
    const cleanLabel = label === undefined ? undefined : decodeHtmlEntities(label).trim();
    if (cleanLabel) link.label = cleanLabel;
    link.tweet = parseTweetLink(link.url);
    links.push(link);
    return `\uE000${links.length - 1}\uE001`;
  };

  let text = raw.replace(/\r\n?/g, '\n');
  // Slack `<…>` markup (and Discord's `<https://…>` embed suppression, mentions, emoji).
  text = text.replace(/<([^<>\n]+)>/g, (whole, inner: string) => {
    const link = /^(https?:\/\/[^|\s]+)(?:\|([^]*))?$/i.exec(inner);
    if (link) return token(link[1] ?? '', link[2]);
    const mailto = /^mailto:([^|]+)(?:\|(.*))?$/i.exec(inner);
    if (mailto) return mailto[2] ?? mailto[1] ?? '';
    // User, bot, role and special mentions are addressed to chat members, not X handles.
    if (/^@[UWB][A-Z0-9]+(?:\|.*)?$/.test(inner) || /^@[!&]?\d+$/.test(inner)) return '';
    const channel = /^#[A-Z0-9]+\|(.+)$/.exec(inner);
    if (channel) return `#${channel[1] ?? ''}`;
    if (/^#[A-Z0-9]+$/.test(inner) || /^#\d+$/.test(inner)) return '';
    const slackDate = /^!date\^[^|]*\|(.+)$/.exec(inner);
    if (slackDate) return slackDate[1] ?? '';
    if (inner.startsWith('!')) return '';
    const emoji = /^a?:(\w+):\d+$/.exec(inner);
    if (emoji) return `:${emoji[1] ?? ''}:`;
    if (/^t:-?\d+(?::[a-zA-Z])?$/.test(inner)) return '';
    return whole;
  });
  // Discord masked links `[label](https://…)`.
  text = text.replace(/\[([^[\]\n]+)\]\(\s*<?(https?:\/\/[^\s()<>]+)>?\s*\)/gi, (_w, label: string, url: string) =>
    token(url, label),
  );
  text = decodeHtmlEntities(text).replace(/\u00a0/g, ' ');
  text = text.replace(BARE_URL, (match) => {
    const tail = URL_TAIL.exec(match)?.[0] ?? '';
    const url = match.slice(0, match.length - tail.length);
    return url.includes('.') ? token(url) + tail : match;
  });
  return { content: text, links };
}

/** A label that is just the URL (or a shortened form of it) rather than words. */
function isUrlLike(label: string): boolean {
  return /^(?:https?:\/\/)?[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?$/i.test(label) || /^https?:\/\/\S+$/i.test(label);
}

/**
 * Turns placeholders back into text: links to tweet `dropId` disappear (with their label and wrapping markup),
 * other links become their URL (or their label when it carries words). `dropAll` removes every link.
 */
function render(tokenized: Tokenized, dropId: string | undefined, dropAll = false): string {
  const labelOf = (link: LinkToken): string => {
    if (link.label === undefined || isUrlLike(link.label)) return '';
    return link.label;
  };
  const isDropped = (link: LinkToken): boolean => dropAll || (dropId !== undefined && link.tweet?.id === dropId);
  const text = tokenized.content.replace(
    /([*_~]{1,3}|\()?\uE000(\d+)\uE001(\)|[*_~]{1,3})?/g,
    (whole: string, before: string | undefined, index: string, after: string | undefined) => {
    const link = tokenized.links[Number(index)];
    if (link === undefined) return '';
    const wrapped = before !== undefined && after !== undefined && (before === '(' ? after === ')' : before === after);
    // The tweet link goes, with its label ("this tweet") and the formatting wrapped right around it.
    if (isDropped(link)) return wrapped ? REMOVED : `${before ?? ''}${REMOVED}${after ?? ''}`;
    const label = labelOf(link);
    let shown = link.url;
    if (label) shown = /^@[A-Za-z0-9_]{1,15}$/.test(label) ? label : `${label} (${link.url})`;
    return whole.replace(/\uE000\d+\uE001/, () => shown);
    },
  );
  // A removed link leaves one space between words, none at the edge of a line.
  return text
    .replace(TOKEN, '')
    .replace(/[ \t]*(?:\uE002[ \t]*)+(?=[,.;:!?])/g, '')
    .replace(/[ \t]*(?:\uE002[ \t]*)+/g, '\uE003')
    .replace(/^\uE003|\uE003$/gm, '')
    .replace(/\uE003/g, ' ');
}

/** Trims line ends and the whole text, and collapses runs of blank lines. */
function cleanText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** True when something other than whitespace and chat formatting characters remains. */
function hasWords(text: string): boolean {
  return /[^\s*_~`>|()[\]\-–—·:.,!?'"]/u.test(text);
}

// ---------------------------------------------------------------------------------------------------------------
// Attribution: strip what X's UI or an embed adds around a tweet's text, and remember the author.

interface Attribution {
  handle?: string | undefined;
  authorName?: string | undefined;
  text?: string | undefined;
}

const MONTH = String.raw`(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?`;
/** X's relative and absolute timestamps: `21m`, `3h`, `now`, `Mar 21`, `Mar 21, 2006`, `21 Mar 2006`. */
const DATE = String.raw`(?:now|\d{1,2}\s?(?:s|m|h|d|min|mins|hr|hrs)|${MONTH} \d{1,2}(?:, \d{4})?|\d{1,2} ${MONTH}(?: \d{4})?)`;
const DATE_LINE = new RegExp(`^${DATE}$`, 'i');
/** The focused-tweet footer: `9:50 PM · Mar 21, 2006` (optionally `· 1.2M Views`). */
const TIME_DATE_LINE = new RegExp(String.raw`^\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?\s*·\s*${DATE}(?:\s*·.*)?$`);
const ENGAGEMENT_LINE =
  /^(?:·|[\d.,]+\s*[KMB]?|(?:·\s*)?(?:[\d.,]+\s*[KMB]?\s+)?(?:Views?|Reposts?|Retweets?|Quotes?|Quote Tweets?|Quote posts?|Likes?|Bookmarks?|Repl(?:y|ies)))$/i;
const HANDLE_LINE = /^@([A-Za-z0-9_]{1,15})$/;
/**
 * `— jack (@jack) March 21, 2006` at the end (embed blockquote text); `-` only at the start of a line; a literal
 * `&mdash;` survives when Slack escaped the `&` of pasted HTML.
 */
const BLOCKQUOTE_ATTRIBUTION = new RegExp(
  String.raw`(?:(?:^|\n)[ \t]*(?:[—–]|--?|&mdash;)|[ \t]*(?:[—–]|&mdash;))[ \t]*([^\n()]{0,50}?)[ \t]*\(@([A-Za-z0-9_]{1,15})\)(?:[ \t]+(?:[A-Z][a-z]+\.? \d{1,2}, \d{4}|${DATE}))?[ \t]*$`,
);
/** `Jack (@jack): text`, `Jack (@jack) on X: text`, or the same with a newline instead of the colon. */
const NAME_PAREN_HANDLE = /^([^\n()@:]{1,50}?)[ \t]*\(@([A-Za-z0-9_]{1,15})\)(?:[ \t]+on[ \t]+(?:X|Twitter))?[ \t]*(?::[ \t]*|\n|$)/;
/** `Jack @jack · 21m` (the name and handle on one line), optionally followed by text. */
const ONE_LINE_HEADER = new RegExp(String.raw`^(?:(.{1,50}?)\s+)?@([A-Za-z0-9_]{1,15})\s*·\s*(${DATE})(?:\s+(.*))?$`, 'i');
const NAME_HANDLE_LINE = /^(.{1,50}?)\s+@([A-Za-z0-9_]{1,15})$/;
const LEADING_HANDLE = /^@([A-Za-z0-9_]{1,15})(?:[ \t]*:[ \t]*|[ \t]*\n|[ \t]+|$)/;

function sameHandle(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

function isPlausibleName(line: string): boolean {
  return line.length > 0 && line.length <= 50 && !line.startsWith('@') && !/https?:\/\//i.test(line);
}

/**
 * Finds the author in X's copy/embed formats and returns the tweet text without those metadata lines.
 * `linkHandle` (from a tweet link) decides whether a leading `@someone` names the author or starts a reply.
 */
function extractAttribution(input: string, linkHandle: string | undefined): Attribution {
  const result: Attribution = {};
  const note = (handle: string | undefined, name: string | undefined): void => {
    if (handle !== undefined) result.handle ??= handle;
    const trimmed = name?.trim();
    if (trimmed) result.authorName ??= trimmed;
  };
  let lines = input.split('\n');

  // Focused-tweet footer (`9:50 PM · Mar 21, 2006` and the counts after it).
  let footer = false;
  for (let k = lines.length - 1; k >= 0; k--) {
    const line = lines[k] ?? '';
    if (TIME_DATE_LINE.test(line)) {
      lines = lines.slice(0, k);
      footer = true;
      break;
    }
    if (line !== '' && !ENGAGEMENT_LINE.test(line)) break;
  }
  let text = lines.join('\n').trim();

  // Embed blockquote attribution at the end.
  const quote = BLOCKQUOTE_ATTRIBUTION.exec(text);
  if (quote) {
    note(quote[2], quote[1]);
    text = text.slice(0, quote.index).trim();
  }

  // Headers at the start.
  const paren = NAME_PAREN_HANDLE.exec(text);
  if (paren) {
    note(paren[2], paren[1]);
    text = text.slice(paren[0].length).trim();
  } else {
    lines = text.split('\n');
    const [first = '', second = '', third = ''] = lines;
    let consumed = 0;
    const oneLine = ONE_LINE_HEADER.exec(first);
    const nameHandle = NAME_HANDLE_LINE.exec(first);
    const handleOnly = HANDLE_LINE.exec(first);
    const handleSecond = HANDLE_LINE.exec(second);
    const isMeta = (line: string): boolean => line === '·' || DATE_LINE.test(line);
    if (oneLine) {
      note(oneLine[2], oneLine[1]);
      lines[0] = oneLine[4] ?? '';
      consumed = oneLine[4] ? 0 : 1;
    } else if (nameHandle && lines.length > 1 && isMeta(second)) {
      note(nameHandle[2], nameHandle[1]);
      consumed = 1;
    } else if (handleSecond && isPlausibleName(first) && (lines.length === 2 || isMeta(third) || footer)) {
      // `Name\n@handle` then `·`/date (timeline copy), or then the text when the focused-tweet footer was there.
      note(handleSecond[1], first);
      consumed = 2;
    } else if (handleOnly && lines.length > 1 && isMeta(second)) {
      note(handleOnly[1], undefined);
      consumed = 1;
    }
    if (consumed > 0) {
      while (consumed < lines.length && isMeta(lines[consumed] ?? '')) consumed++;
      if (/^Replying to\b/i.test(lines[consumed] ?? '')) {
        consumed++;
        while (consumed < lines.length && /^(?:@[A-Za-z0-9_]{1,15}|and|,|and \d+ others?)$/i.test(lines[consumed] ?? '')) consumed++;
      }
      lines = lines.slice(consumed);
    }
    text = lines.join('\n').trim();
    if (consumed === 0 && !oneLine) {
      // `@jack text`: the author, unless a link already names a different author (then it is a reply).
      const leading = LEADING_HANDLE.exec(text);
      if (leading && (linkHandle === undefined || sameHandle(leading[1], linkHandle))) {
        note(leading[1], undefined);
        text = text.slice(leading[0].length).trim();
      }
    }
  }

  if (hasWords(text)) result.text = text;
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Unfurls

interface UnfurlFacts {
  link?: TweetLink | undefined;
  /** The unfurl's URL when it is not a tweet link. */
  otherLink?: string | undefined;
  handle?: string | undefined;
  authorName?: string | undefined;
  /** A bare `jack`: a handle when nothing better is known, else a display name. */
  bareName?: string | undefined;
  text?: string | undefined;
}

function readUnfurl(unfurl: TweetUnfurl): UnfurlFacts {
  const facts: UnfurlFacts = {};
  if (unfurl.url) {
    const link = parseTweetLink(unfurl.url);
    if (link) facts.link = link;
    else {
      const tokens = tokenize(unfurl.url.trim());
      const url = tokens.links[0]?.url;
      if (url !== undefined) facts.otherLink = url;
    }
  }
  const author = decodeHtmlEntities(unfurl.author ?? '').trim();
  if (author) {
    const named = /^(.*?)\s*\(@([A-Za-z0-9_]{1,15})\)(?:\s+on\s+(?:X|Twitter))?$/i.exec(author);
    const at = /^@([A-Za-z0-9_]{1,15})$/.exec(author);
    if (named) {
      facts.handle = named[2];
      if (named[1]) facts.authorName = named[1];
    } else if (at) facts.handle = at[1];
    else if (HANDLE_PATTERN.test(author)) facts.bareName = author;
    else facts.authorName = author.replace(/\s+on\s+(?:X|Twitter)$/i, '');
  }
  if (unfurl.text) {
    const text = cleanText(render(tokenize(unfurl.text), undefined));
    if (text !== '') facts.text = text;
  }
  return facts;
}

/** An unfurl about another tweet or author, or about a page that is not a tweet, is ignored. */
function unfurlMatches(unfurl: UnfurlFacts, messageLink: TweetLink | undefined, typedHandle: string | undefined): boolean {
  // A profile or other page's preview (bio, description) is not a tweet's text.
  if (unfurl.otherLink !== undefined) return false;
  if (messageLink !== undefined && unfurl.link !== undefined && unfurl.link.id !== messageLink.id) return false;
  const knownHandle = messageLink?.handle ?? typedHandle;
  const unfurlHandle = unfurl.link?.handle ?? unfurl.handle;
  if (knownHandle !== undefined && unfurlHandle !== undefined && !sameHandle(knownHandle, unfurlHandle)) return false;
  return true;
}

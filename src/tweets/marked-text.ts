import { decodeHtmlEntities } from './html-text.js';
import { SCHEME_LESS_TWEET_HOST, parseTweetLink, type TweetLink } from './tweet-link.js';

/** A link a chat platform marked up (Slack `<url|label>`, Discord `[label](url)`), as the adapter decoded it. */
export interface MarkedLink {
  url: string;
  label?: string | undefined;
}

/**
 * Chat text with the platform's markup decoded: each marked-up link stands in `text` as
 * `LINK_OPEN <index> LINK_CLOSE`, with `links[index]` saying what it was. Mentions, emoji and dates are already
 * plain words. Bare URLs stay in `text` as written. Without `links`, `text` is plain (placeholders in it are ignored).
 */
export interface MarkedText {
  text: string;
  links?: readonly MarkedLink[] | undefined;
}

export const LINK_OPEN = '\uE000';
export const LINK_CLOSE = '\uE001';
/** Marks where a link was removed, so the gap collapses to one space. */
const REMOVED = '\uE002';
const GAP = '\uE003';
const PRIVATE_MARKS = /[\uE000-\uE003]/g;

/**
 * The most of one input that is read. Slack messages stop at 40,000 characters and a long tweet at 25,000; the
 * cap bounds the work one message can cause, whatever it holds.
 */
export const MAX_INPUT_CHARS = 40_000;
/** Links read as links per input; later ones stay as written. No one saves a tweet from a list of hundreds. */
export const MAX_LINKS = 100;

/** For decoders: adds a link to `links` and returns its placeholder; undefined past {@link MAX_LINKS}. */
export function placeLink(links: MarkedLink[], url: string, label?: string): string | undefined {
  if (links.length >= MAX_LINKS) return undefined;
  links.push(label === undefined ? { url } : { url, label });
  return `${LINK_OPEN}${links.length - 1}${LINK_CLOSE}`;
}

/** For decoders: text a person typed, without the characters placeholders are made of. */
export function withoutPlaceholders(raw: string): string {
  return raw.replace(PRIVATE_MARKS, '');
}

/** A link found in the text, with what it points at when it is a tweet. */
export interface LinkToken {
  url: string;
  label?: string | undefined;
  tweet?: TweetLink | undefined;
}

export interface Tokenized {
  /** Text with each link replaced by `LINK_OPEN <index> LINK_CLOSE`. */
  content: string;
  links: LinkToken[];
}

const BARE_URL = new RegExp(
  String.raw`https?://[^\s<>"\uE000-\uE003]+|(?<![\w@./-])${SCHEME_LESS_TWEET_HOST}[^\s<>"\uE000-\uE003]+`,
  'gi',
);
/** Punctuation that ends a sentence rather than a URL. */
const URL_TAIL = new Set([...`.,;:!?'"\u2019\u201d)]}*_~\u2026`]);

/** How many characters at the end of `url` are sentence punctuation. Scanned by hand: a regex `[…]+$` is quadratic. */
function tailLength(url: string): number {
  let end = url.length;
  while (end > 0 && URL_TAIL.has(url[end - 1]!)) end--;
  return url.length - end;
}

function linkToken(url: string, label?: string): LinkToken {
  const cleanUrl = decodeHtmlEntities(url.trim());
  const link: LinkToken = { url: /^https?:\/\//i.test(cleanUrl) ? cleanUrl : `https://${cleanUrl}` };
  const cleanLabel = label === undefined ? undefined : decodeHtmlEntities(label).trim();
  if (cleanLabel) link.label = cleanLabel;
  link.tweet = parseTweetLink(link.url);
  return link;
}

/** Cuts `text` to the cap without leaving half a placeholder at the end. */
function capped(text: string): string {
  if (text.length <= MAX_INPUT_CHARS) return text;
  return text.slice(0, MAX_INPUT_CHARS).replace(/\uE000\d*$/, '');
}

/**
 * Decodes HTML entities and finds bare URLs (with or without a scheme on tweet hosts), so later steps can drop
 * exactly the tweet link. Linear in the input, which is read up to {@link MAX_INPUT_CHARS}.
 */
export function tokenize(input: MarkedText): Tokenized {
  const links: LinkToken[] = (input.links ?? []).slice(0, MAX_LINKS).map((l) => linkToken(l.url, l.label));
  let text = capped(input.links ? input.text : withoutPlaceholders(input.text));
  text = decodeHtmlEntities(text.replace(/\r\n?/g, '\n')).replace(/\u00a0/g, ' ');
  text = text.replace(BARE_URL, (match) => {
    const tail = tailLength(match);
    const url = match.slice(0, match.length - tail);
    if (!url.includes('.') || links.length >= MAX_LINKS) return match;
    links.push(linkToken(url));
    return `${LINK_OPEN}${links.length - 1}${LINK_CLOSE}${match.slice(url.length)}`;
  });
  return { content: text, links };
}

/** A label that is just the URL (or a shortened form of it) rather than words. */
function isUrlLike(label: string): boolean {
  return /^(?:https?:\/\/)?[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?$/i.test(label) || /^https?:\/\/\S+$/i.test(label);
}

const PLACED_LINK = /([*_~]{1,3}|\()?\uE000(\d+)\uE001(\)|[*_~]{1,3})?/g;

/**
 * Turns placeholders back into text: links to tweet `dropId` disappear (with their label and wrapping markup),
 * other links become their URL (or their label when it carries words). `dropAll` removes every link.
 */
export function render(tokenized: Tokenized, dropId: string | undefined, dropAll = false): string {
  const labelOf = (link: LinkToken): string => (link.label === undefined || isUrlLike(link.label) ? '' : link.label);
  const isDropped = (link: LinkToken): boolean => dropAll || (dropId !== undefined && link.tweet?.id === dropId);
  const text = tokenized.content.replace(
    PLACED_LINK,
    (_whole: string, before: string | undefined, index: string, after: string | undefined) => {
      const link = tokenized.links[Number(index)];
      if (link === undefined) return `${before ?? ''}${after ?? ''}`;
      const wrapped =
        before !== undefined && after !== undefined && (before === '(' ? after === ')' : before === after);
      // The tweet link goes, with its label ("this tweet") and the formatting wrapped right around it.
      if (isDropped(link)) return wrapped ? REMOVED : `${before ?? ''}${REMOVED}${after ?? ''}`;
      const label = labelOf(link);
      let shown = link.url;
      if (label) shown = /^@[A-Za-z0-9_]{1,15}$/.test(label) ? label : `${label} (${link.url})`;
      return `${before ?? ''}${shown}${after ?? ''}`;
    },
  );
  // A removed link leaves one space between words, none at the edge of a line. Each run of blanks is matched from
  // its start only (the look-behind), so a long run is scanned once, not once per character.
  return text
    .replace(/(?<![ \t\uE002])[ \t]*(?:\uE002[ \t]*)+(?=[,.;:!?])/g, '')
    .replace(/(?<![ \t\uE002])[ \t]*(?:\uE002[ \t]*)+/g, GAP)
    .replace(/^\uE003|\uE003$/gm, '')
    .replace(/\uE003/g, ' ')
    .replace(PRIVATE_MARKS, '');
}

/** Trims line ends and the whole text, and collapses runs of blank lines. */
export function cleanText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** True when something other than whitespace and chat formatting characters remains. */
export function hasWords(text: string): boolean {
  return /[^\s*_~`>|()[\]\-–—·:.,!?'"]/u.test(text);
}

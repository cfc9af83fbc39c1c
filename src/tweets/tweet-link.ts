import { decodeHtmlEntities } from './html-text.js';

/** What a tweet link identifies. */
export interface TweetLink {
  /** Numeric status id (1–20 digits). */
  id: string;
  /** Without the `@`; absent for `/i/web/status/<id>` and `/i/status/<id>`. */
  handle?: string | undefined;
}

/** A valid X handle, without the `@`. */
export const HANDLE_PATTERN = /^[A-Za-z0-9_]{1,15}$/;

/**
 * Hosts that serve tweets: X itself and the embed fixers people paste on Discord (all map to x.com). The one list:
 * the parser, the chat adapters and the Discord embed reader all ask `isTweetHost` / `parseTweetLink`.
 */
const TWEET_HOSTS = new Set([
  'twitter.com',
  'x.com',
  'fxtwitter.com',
  'vxtwitter.com',
  'fixupx.com',
  'fixvx.com',
  'twittpr.com',
  'fixtwitter.com',
  'stupidpenisx.com',
]);

/** Subdomains that still mean the same site (`d.`/`g.` are the fixers' direct-media variants). */
const HOST_PREFIXES = ['www.', 'mobile.', 'm.', 'd.', 'g.'];

/** First path segments that are X pages, not handles. */
const RESERVED_SEGMENTS = new Set([
  'i',
  'home',
  'search',
  'explore',
  'settings',
  'notifications',
  'messages',
  'intent',
  'share',
  'hashtag',
]);

/** The bare host names of tweet sites, for finding scheme-less links in text. */
export const TWEET_HOST_NAMES: readonly string[] = [...TWEET_HOSTS];

/** A scheme-less tweet host at the start of a link (`x.com/`, `www.fxtwitter.com/`), as a regular expression source. */
export const SCHEME_LESS_TWEET_HOST = String.raw`(?:(?:www|mobile|m)\.)?(?:${TWEET_HOST_NAMES.map((h) => h.replace(/\./g, '\\.')).join('|')})/`;

/** True when `hostname` is twitter.com, x.com or an embed fixer (with www./mobile./m. and similar). */
export function isTweetHost(hostname: string): boolean {
  let host = hostname.toLowerCase().replace(/\.$/, '');
  for (const prefix of HOST_PREFIXES) {
    if (host.startsWith(prefix)) {
      host = host.slice(prefix.length);
      break;
    }
  }
  return TWEET_HOSTS.has(host);
}

/** True for an http(s) URL on a tweet host, whatever page of it (a profile, a tweet). Never throws. */
export function isTweetSiteUrl(url: string): boolean {
  if (!/^https?:\/\//i.test(url)) return false;
  try {
    return isTweetHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * Recognises a link to one tweet: `/<handle>/status/<id>`, `/<handle>/statuses/<id>`, `/i/web/status/<id>`,
 * `/i/status/<id>`, with anything after the id (`/photo/1`, `?s=46&t=…`, `#…`), on any tweet host, http or
 * https, with or without the scheme, HTML-escaped (`&amp;`) or not. Anything else (profiles, x.com/home,
 * other sites) gives undefined.
 */
export function parseTweetLink(link: string): TweetLink | undefined {
  let raw = decodeHtmlEntities(link.trim());
  if (raw.startsWith('<') && raw.endsWith('>')) raw = raw.slice(1, -1).split('|')[0] ?? '';
  if (!/^https?:\/\//i.test(raw)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(raw)) return undefined;
    raw = `https://${raw}`;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (!isTweetHost(url.hostname)) return undefined;
  // The legacy `#!/jack/status/20` form keeps the path in the fragment.
  const path = url.pathname === '/' && url.hash.startsWith('#!/') ? url.hash.slice(2) : url.pathname;
  const segments = path.split('/').filter((s) => s !== '');
  const [first, second, third, fourth] = segments;
  if (first === undefined || second === undefined || third === undefined) return undefined;
  const isId = (s: string | undefined): s is string => s !== undefined && /^\d{1,20}$/.test(s);
  if (first.toLowerCase() === 'i') {
    if (second.toLowerCase() === 'web' && third.toLowerCase() === 'status' && isId(fourth)) return { id: fourth };
    if (second.toLowerCase() === 'status' && isId(third)) return { id: third };
    return undefined;
  }
  const kind = second.toLowerCase();
  if ((kind === 'status' || kind === 'statuses') && isId(third) && HANDLE_PATTERN.test(first)) {
    if (RESERVED_SEGMENTS.has(first.toLowerCase())) return { id: third };
    return { id: third, handle: first };
  }
  return undefined;
}

/** `https://x.com/<handle>/status/<id>`, or `https://x.com/i/web/status/<id>` when no handle is known. */
export function canonicalTweetUrl(id: string, handle?: string): string {
  return handle ? `https://x.com/${handle}/status/${id}` : `https://x.com/i/web/status/${id}`;
}

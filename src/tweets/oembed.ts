import { z } from 'zod';
import { outboundFetch } from '../http/outbound-fetch.js';
import { decodeHtmlEntities } from './html-text.js';
import { HANDLE_PATTERN, parseTweetLink } from './tweet-link.js';

/** What publish.twitter.com's oEmbed tells about a tweet. */
export interface OembedTweet {
  /** The tweet's text: `<br>` as newlines, links as their visible text (`pic.twitter.com/…`, `https://t.co/…`). */
  text: string;
  /** Without the `@`. */
  handle?: string;
  authorName?: string;
  /** `YYYY-MM-DD`: the day the blockquote's last link shows ("March 21, 2006"), when it reads as a date. */
  postedDay?: string;
}

export interface OembedOptions {
  /** The oEmbed endpoint, e.g. `https://publish.twitter.com/oembed` (or the local sandbox's). */
  endpoint: string;
  /** Default 3000. */
  timeoutMs?: number;
  /** Aborts the lookup early (the provider chain's own timeout). */
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 3000;

/** The parts of publish.twitter.com's response we use; other fields (width, cache_age, …) are ignored. */
const OembedResponse = z.object({
  html: z.string(),
  author_name: z.string().optional(),
  author_url: z.string().optional(),
  url: z.string().optional(),
});

/**
 * Looks a tweet up on publish.twitter.com's oEmbed (`?url=…&omit_script=true&dnt=true`).
 * `tweetUrl` may be any tweet link form `parseTweetLink` accepts; it is sent as
 * `https://twitter.com/<handle>/status/<id>` (or `https://twitter.com/i/status/<id>`), the form oEmbed has always
 * accepted. Resolves undefined for a non-tweet URL, a timeout, a non-2xx answer (404: deleted or protected tweet),
 * bad JSON or an unexpected shape. Never throws.
 */
export async function fetchTweetFromOembed(tweetUrl: string, options: OembedOptions): Promise<OembedTweet | undefined> {
  try {
    const link = parseTweetLink(tweetUrl);
    if (!link) return undefined;
    const target = `https://twitter.com/${link.handle ?? 'i'}/status/${link.id}`;
    const url = new URL(options.endpoint);
    url.searchParams.set('url', target);
    url.searchParams.set('omit_script', 'true');
    url.searchParams.set('dnt', 'true');
    const doFetch = options.fetch ?? outboundFetch;
    const res = await doFetch(url, {
      headers: { accept: 'application/json' },
      signal: options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS)])
        : AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return undefined;
    }
    const parsed = OembedResponse.safeParse(await res.json());
    if (!parsed.success) return undefined;
    return readOembed(parsed.data);
  } catch {
    // Timeouts, network errors and bad JSON all mean "no text from oEmbed".
    return undefined;
  }
}

function readOembed(data: z.infer<typeof OembedResponse>): OembedTweet | undefined {
  const paragraph = /<p\b[^>]*>([\s\S]*?)<\/p>/i.exec(data.html);
  if (!paragraph) return undefined;
  const text = htmlToText(paragraph[1] ?? '');
  const result: OembedTweet = { text };
  const handle = handleFromAuthorUrl(data.author_url) ?? handleFromAttribution(data.html);
  if (handle) result.handle = handle;
  const authorName = data.author_name?.trim();
  if (authorName) result.authorName = authorName;
  const postedDay = postedDayOf(data.html);
  if (postedDay) result.postedDay = postedDay;
  return result;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** The embed ends with `&mdash; Name (@handle) <a href="…/status/…">March 21, 2006</a>`: that day, as `YYYY-MM-DD`. */
function postedDayOf(html: string): string | undefined {
  const links = [...html.matchAll(/<a\b[^>]*>([^<]*)<\/a>/gi)];
  const label = decodeHtmlEntities(links.at(-1)?.[1] ?? '').trim();
  const m = /^([A-Za-z]+) (\d{1,2}), (\d{4})$/.exec(label);
  if (!m) return undefined;
  const month = MONTHS.indexOf((m[1] ?? '').toLowerCase());
  const day = Number(m[2]);
  if (month < 0 || day < 1 || day > 31) return undefined;
  return `${m[3]}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `<br>` to newline, tags dropped (their text kept), entities decoded. */
function htmlToText(html: string): string {
  return decodeHtmlEntities(html.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, '')).trim();
}

function handleFromAuthorUrl(authorUrl: string | undefined): string | undefined {
  if (!authorUrl) return undefined;
  try {
    const url = new URL(authorUrl);
    const segment = url.pathname.split('/').filter((s) => s !== '')[0];
    return segment !== undefined && HANDLE_PATTERN.test(segment) ? segment : undefined;
  } catch {
    return undefined;
  }
}

function handleFromAttribution(html: string): string | undefined {
  return /&mdash;[^<]*\(@([A-Za-z0-9_]{1,15})\)/.exec(html)?.[1];
}

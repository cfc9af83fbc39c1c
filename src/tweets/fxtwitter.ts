import { z } from 'zod';
import { outboundFetch } from '../http/outbound-fetch.js';
import type { ProviderAnswer, RichTweet, TweetProvider, TweetRef } from './rich-tweet.js';
import { canonicalTweetUrl } from './tweet-link.js';

export interface FxTwitterOptions {
  /** API base, e.g. `https://api.fxtwitter.com` (FXTWITTER_API_URL; it can be self-hosted). */
  baseUrl: string;
  fetch?: typeof fetch;
}

/** `APIStatusTombstone`: a placeholder for a deleted, suspended, private, blocked or unavailable post. */
const Tombstone = z.object({
  type: z.literal('tombstone'),
  reason: z.string().optional(),
  message: z.string().optional(),
});

const Photo = z.object({ type: z.string(), url: z.string(), altText: z.string().optional() });
const Video = z.object({ type: z.string(), url: z.string(), thumbnail_url: z.string().nullable().optional() });

/** The parts of `APITwitterStatus` a saved tweet uses; others (polls, translations, communities, …) are ignored. */
interface StatusShape {
  type: 'status';
  id: string;
  url?: string | undefined;
  text?: string | undefined;
  raw_text?: { text?: string | undefined } | undefined;
  created_timestamp?: number | undefined;
  lang?: string | null | undefined;
  likes?: number | undefined;
  author?: { screen_name?: string | undefined; name?: string | undefined } | undefined;
  media?: { photos?: z.infer<typeof Photo>[] | undefined; videos?: z.infer<typeof Video>[] | undefined } | undefined;
  quote?: unknown;
  replying_to?: { screen_name: string; status: string; url?: string | undefined } | null | undefined;
}

const Status: z.ZodType<StatusShape> = z.object({
  type: z.literal('status'),
  id: z.string().min(1),
  url: z.string().optional(),
  text: z.string().optional(),
  raw_text: z.object({ text: z.string().optional() }).optional(),
  created_timestamp: z.number().optional(),
  lang: z.string().nullable().optional(),
  likes: z.number().optional(),
  author: z.object({ screen_name: z.string().optional(), name: z.string().optional() }).optional(),
  media: z.object({ photos: z.array(Photo).optional(), videos: z.array(Video).optional() }).optional(),
  quote: z.unknown().optional(),
  replying_to: z
    .object({ screen_name: z.string(), status: z.string(), url: z.string().optional() })
    .nullable()
    .optional(),
});

/** `SocialThread`, the body of every `/2/status` and `/2/thread` answer (also with 401, 404 and 500). */
const SocialThread = z.object({
  code: z.number(),
  status: z.unknown().optional(),
  thread: z.array(z.unknown()).nullable().optional(),
});

/** `ApiQueryError` (400). */
const QueryError = z.object({ code: z.number(), message: z.string() });

/** A status of the API as a RichTweet; undefined for a tombstone or an unexpected shape. */
export function richTweetFromStatus(raw: unknown, depth = 0): RichTweet | undefined {
  const parsed = Status.safeParse(raw);
  if (!parsed.success) return undefined;
  const s = parsed.data;
  const handle = s.author?.screen_name;
  const tweet: RichTweet = { id: s.id, url: canonicalTweetUrl(s.id, handle), text: s.text ?? s.raw_text?.text ?? '' };
  if (handle) tweet.handle = handle;
  if (s.author?.name) tweet.authorName = s.author.name;
  if (s.created_timestamp !== undefined && Number.isFinite(s.created_timestamp)) {
    const at = new Date(s.created_timestamp * 1000);
    if (!Number.isNaN(at.getTime())) tweet.createdAt = at.toISOString();
  }
  if (s.lang) tweet.lang = s.lang;
  if (s.likes !== undefined) tweet.likes = s.likes;
  const photos = (s.media?.photos ?? []).map((p) => (p.altText ? { url: p.url, altText: p.altText } : { url: p.url }));
  if (photos.length > 0) tweet.photos = photos;
  const videos = (s.media?.videos ?? []).map((v) =>
    v.thumbnail_url ? { url: v.url, thumbnailUrl: v.thumbnail_url } : { url: v.url },
  );
  if (videos.length > 0) tweet.videos = videos;
  // A quote of a quote is shown as a link only: one level is what a page shows.
  if (s.quote !== undefined && depth === 0) {
    const quoted = richTweetFromStatus(s.quote, depth + 1);
    if (quoted) tweet.quoted = quoted;
  }
  if (s.replying_to) {
    tweet.replyingTo = {
      handle: s.replying_to.screen_name,
      id: s.replying_to.status,
      ...(s.replying_to.url ? { url: s.replying_to.url } : {}),
    };
  }
  return tweet;
}

/**
 * The FxTwitter API v2 as a tweet provider (`GET /2/status/{id}`, `GET /2/thread/{id}`), as its OpenAPI description
 * says: every answer is a `SocialThread` whose `code` mirrors the HTTP status; a focal `status` of type `tombstone`
 * means the tweet is gone (deleted, suspended, private, …); 400 is an `ApiQueryError`.
 */
export function createFxTwitterProvider(options: FxTwitterOptions): TweetProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? outboundFetch;

  async function get(path: 'status' | 'thread', ref: TweetRef, signal: AbortSignal): Promise<ProviderAnswer> {
    // The API takes a snowflake id of 2 to 20 digits; anything else would be its 400.
    if (!/^\d{1,20}$/.test(ref.id)) return { kind: 'failed', reason: 'bad_id' };
    let res: Response;
    try {
      res = await doFetch(`${base}/2/${path}/${ref.id}`, { headers: { accept: 'application/json' }, signal });
    } catch (err) {
      return { kind: 'failed', reason: signal.aborted ? 'timeout' : `network: ${(err as Error).name}` };
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      return { kind: 'failed', reason: `http_${res.status}_not_json` };
    }
    const query = QueryError.safeParse(body);
    if (res.status === 400 && query.success) return { kind: 'failed', reason: 'http_400' };
    const thread = SocialThread.safeParse(body);
    if (!thread.success) return { kind: 'failed', reason: `http_${res.status}_unexpected_body` };
    const { code, status } = thread.data;
    const tombstone = Tombstone.safeParse(status);
    if (tombstone.success) return { kind: 'tombstone', reason: tombstone.data.reason ?? 'unavailable' };
    if (code !== 200 || !res.ok) return { kind: 'failed', reason: `code_${code}` };
    const focal = richTweetFromStatus(status);
    if (!focal) return { kind: 'failed', reason: 'unexpected_status' };
    if (path === 'thread') {
      const chain = authorChain(focal, thread.data.thread ?? []);
      if (chain.length > 1) focal.thread = chain;
    }
    return { kind: 'found', tweet: focal };
  }

  return {
    name: 'fxtwitter',
    status: (ref, signal) => get('status', ref, signal),
    thread: (ref, signal) => get('thread', ref, signal),
  };
}

/**
 * The focal tweet's author's chain, in the API's order (oldest first), each tweet once, the focal one included:
 * replies by others and tombstones in the list are left out.
 */
function authorChain(focal: RichTweet, items: unknown[]): RichTweet[] {
  const chain: RichTweet[] = [];
  const seen = new Set<string>();
  const sameAuthor = (t: RichTweet) => !focal.handle || t.handle?.toLowerCase() === focal.handle.toLowerCase();
  for (const item of items) {
    const tweet = richTweetFromStatus(item);
    if (!tweet?.id || seen.has(tweet.id) || !sameAuthor(tweet)) continue;
    seen.add(tweet.id);
    chain.push(tweet.id === focal.id ? { ...focal } : tweet);
  }
  if (focal.id && !seen.has(focal.id)) chain.push({ ...focal });
  return chain;
}

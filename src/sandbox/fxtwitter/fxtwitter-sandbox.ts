import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tweet the FxTwitter emulation knows. */
export interface FxSandboxTweet {
  id: string;
  /** Without the `@`. */
  handle: string;
  /** Display name. */
  name: string;
  text: string;
  /** ISO 8601. */
  createdAt: string;
  /** Paths on the emulation (`/media/…`) or absolute URLs. */
  photos?: { file: string; altText?: string }[];
  videos?: { file: string; thumbnail: string }[];
  /** The id of the tweet it quotes (a deleted one answers as a tombstone inside `quote`). */
  quoteId?: string;
  /** The id of the tweet it answers: same author makes a thread. */
  replyToId?: string;
  likes?: number;
  lang?: string;
}

export interface FxTwitterSandbox {
  /** The API base, e.g. `http://127.0.0.1:54321` (what FXTWITTER_API_URL takes). */
  url: string;
  addTweet(tweet: FxSandboxTweet): void;
  /** The tweet was deleted: the API answers a tombstone for it. */
  deleteTweet(id: string): void;
  /** Requests for this id never get an answer (timeout tests). */
  hang(id: string): void;
  /** Every request answers 500 with `code: 500` until set false (an upstream outage). */
  failAll(on: boolean): void;
  /** Paths requested, in order (`/2/status/20`, `/2/thread/…`). */
  requests: string[];
  close(): Promise<void>;
}

const ID = /^\d{2,20}$/;

/**
 * A local emulation of the FxTwitter API v2 on 127.0.0.1 (port 0), following its OpenAPI description
 * (`GET /2/status/{id}`, `GET /2/thread/{id}`): every answer is a `SocialThread` (`code`, `status`, `thread`,
 * `author`) whose `code` mirrors the HTTP status; a deleted tweet answers 404 with a tombstone as `status`, an
 * unknown one 404 with `status: null`, a malformed id 400 with an `ApiQueryError`. A quoted tweet that was deleted
 * is a tombstone in `quote`. Photos and thumbnails are served as small SVGs under `/media/`.
 */
export async function startFxTwitterSandbox(
  options: { tweets?: FxSandboxTweet[]; deleted?: string[] } = {},
): Promise<FxTwitterSandbox> {
  const tweets = new Map<string, FxSandboxTweet>((options.tweets ?? []).map((t) => [t.id, t]));
  const deleted = new Set<string>(options.deleted ?? []);
  const hanging = new Set<string>();
  const requests: string[] = [];
  let failing = false;
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    const json = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
  };

  const mediaUrl = (file: string) => (/^https?:\/\//.test(file) ? file : `${base}/media/${encodeURIComponent(file)}`);

  function user(t: FxSandboxTweet): Record<string, unknown> {
    return {
      type: 'profile',
      id: `u${t.handle.toLowerCase()}`,
      name: t.name,
      screen_name: t.handle,
      avatar_url: null,
      banner_url: null,
      description: '',
      raw_description: { text: '', facets: [] },
      location: '',
      url: `https://x.com/${t.handle}`,
      protected: false,
      followers: 0,
      following: 0,
      statuses: 0,
      media_count: 0,
      likes: 0,
      joined: 'Tue Mar 21 20:50:14 +0000 2006',
      website: null,
    };
  }

  function tombstone(id: string): Record<string, unknown> {
    return {
      type: 'tombstone',
      provider: 'twitter',
      reason: 'deleted',
      message: 'This post was deleted by its author.',
      id,
      url: `https://x.com/i/status/${id}`,
    };
  }

  function status(t: FxSandboxTweet, withQuote = true): Record<string, unknown> {
    const created = new Date(t.createdAt);
    const photos = (t.photos ?? []).map((p, i) => ({
      id: `${t.id}${i}`,
      format: 'image/svg+xml',
      type: 'photo',
      url: mediaUrl(p.file),
      width: 1200,
      height: 800,
      transcode_url: null,
      ...(p.altText ? { altText: p.altText } : {}),
    }));
    const videos = (t.videos ?? []).map((v, i) => ({
      id: `${t.id}v${i}`,
      format: 'video/mp4',
      type: 'video',
      url: mediaUrl(v.file),
      width: 1280,
      height: 720,
      thumbnail_url: mediaUrl(v.thumbnail),
      transcode_url: null,
      duration: 12,
      filesize: 1_000_000,
      formats: [{ container: 'mp4', codec: 'h264', bitrate: 2_000_000, url: mediaUrl(v.file) }],
    }));
    const parent = t.replyToId ? tweets.get(t.replyToId) : undefined;
    const out: Record<string, unknown> = {
      type: 'status',
      id: t.id,
      url: `https://x.com/${t.handle}/status/${t.id}`,
      text: t.text,
      created_at: created.toUTCString(),
      created_timestamp: Math.floor(created.getTime() / 1000),
      likes: t.likes ?? 0,
      reposts: 0,
      quotes: 0,
      replies: 0,
      author: user(t),
      media: { photos, videos, all: [...photos, ...videos] },
      raw_text: { text: t.text, display_text_range: [0, t.text.length], facets: [] },
      lang: t.lang ?? 'en',
      possibly_sensitive: false,
      replying_to: t.replyToId ? { screen_name: parent?.handle ?? 'unknown', status: t.replyToId } : null,
      source: 'Twitter Web App',
      embed_card: photos.length > 0 ? 'summary_large_image' : 'tweet',
      provider: 'twitter',
      is_note_tweet: t.text.length > 280,
      community_note: null,
      reposted_by: null,
    };
    if (withQuote && t.quoteId) {
      const quoted = tweets.get(t.quoteId);
      out.quote = quoted && !deleted.has(quoted.id) ? status(quoted, false) : tombstone(t.quoteId);
    }
    return out;
  }

  /** The author's chain `t` is in, oldest first: up through same-author parents, down through same-author replies. */
  function chainOf(t: FxSandboxTweet): FxSandboxTweet[] {
    const same = (a: FxSandboxTweet, b: FxSandboxTweet) => a.handle.toLowerCase() === b.handle.toLowerCase();
    let root = t;
    for (;;) {
      const parent = root.replyToId ? tweets.get(root.replyToId) : undefined;
      if (!parent || !same(parent, t) || deleted.has(parent.id)) break;
      root = parent;
    }
    const chain = [root];
    for (;;) {
      const last = chain[chain.length - 1]!;
      const next = [...tweets.values()]
        .filter((c) => c.replyToId === last.id && same(c, t) && !deleted.has(c.id))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
      if (!next) break;
      chain.push(next);
    }
    return chain;
  }

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const media = /^\/media\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && media) {
      const label = decodeURIComponent(media[1] ?? '').replace(/[^\w .-]/g, '');
      const svg =
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"><rect width="600" height="400" fill="#cde"/>' +
        `<text x="300" y="200" text-anchor="middle" font-size="28">${label}</text></svg>`;
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'content-length': Buffer.byteLength(svg) });
      res.end(svg);
      return;
    }
    const route = /^\/2\/(status|thread)\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !route) {
      send(res, 404, { code: 404, message: 'Not Found' });
      return;
    }
    requests.push(url.pathname);
    const [, kind, id = ''] = route;
    if (!ID.test(id)) {
      send(res, 400, { code: 400, message: 'Invalid path parameter: id must be a numeric snowflake' });
      return;
    }
    // Left open on purpose; close() ends it.
    if (hanging.has(id)) return;
    if (failing) {
      send(res, 500, { code: 500, status: null, thread: null, author: null });
      return;
    }
    if (deleted.has(id)) {
      send(res, 404, { code: 404, status: tombstone(id), thread: null, author: null });
      return;
    }
    const tweet = tweets.get(id);
    if (!tweet) {
      send(res, 404, { code: 404, status: null, thread: null, author: null });
      return;
    }
    const thread = kind === 'thread' ? chainOf(tweet).map((t) => status(t)) : null;
    send(res, 200, { code: 200, status: status(tweet), thread, author: user(tweet) });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    addTweet(tweet) {
      tweets.set(tweet.id, tweet);
    },
    deleteTweet(id) {
      deleted.add(id);
    },
    hang(id) {
      hanging.add(id);
    },
    failAll(on) {
      failing = on;
    },
    requests,
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

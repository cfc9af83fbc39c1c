import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeHtml } from '../escape-html.js';

/** A tweet the sandbox knows, keyed by its status id. */
export interface SandboxTweet {
  /** Without the `@`. */
  handle: string;
  /** Display name. */
  name: string;
  text: string;
  /** As the embed shows it, e.g. "March 21, 2006". */
  date?: string;
}

export interface OembedSandbox {
  /** The endpoint URL, e.g. `http://127.0.0.1:54321/oembed`. */
  url: string;
  addTweet(id: string, tweet: SandboxTweet): void;
  /** Requests for this id never get an answer (for timeout tests). */
  hang(id: string): void;
  /** The `url` parameter of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Tweet 20, the first tweet, as publish.twitter.com returns it. */
export const FIRST_TWEET: SandboxTweet = {
  handle: 'jack',
  name: 'jack',
  text: 'just setting up my twttr',
  date: 'March 21, 2006',
};

/** The URL forms publish.twitter.com accepts: `https://(www.|mobile.)(twitter|x).com/<name>/status(es)/<id>`. */
const TWEET_URL =
  /^https?:\/\/(?:(?:www|mobile)\.)?(?:twitter|x)\.com\/(?:#!\/)?(\w{1,15})\/status(?:es)?\/(\d{1,20})(?:[/?#].*)?$/i;

/**
 * A local emulation of publish.twitter.com's oEmbed endpoint on 127.0.0.1 (port 0): `GET /oembed?url=…` answers
 * the real JSON shape (text escaped into `html` as Twitter does, links and mentions as anchors, newlines as `<br>`),
 * 404 for unknown ids, 400 for a missing or non-tweet url. Seeded with tweet 20 by @jack.
 */
export async function startOembedSandbox(
  options: { tweets?: Record<string, SandboxTweet> } = {},
): Promise<OembedSandbox> {
  const tweets = new Map<string, SandboxTweet>(Object.entries({ '20': FIRST_TWEET, ...options.tweets }));
  const hanging = new Set<string>();
  const requests: string[] = [];

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    const json = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/oembed') {
      send(res, 404, { error: 'not found' });
      return;
    }
    const tweetUrl = url.searchParams.get('url');
    if (tweetUrl === null) {
      send(res, 400, { error: 'missing url parameter' });
      return;
    }
    requests.push(tweetUrl);
    const match = TWEET_URL.exec(tweetUrl);
    const id = match?.[2];
    if (id === undefined) {
      send(res, 400, { error: `invalid url: ${tweetUrl}` });
      return;
    }
    // Left open on purpose; close() ends it.
    if (hanging.has(id)) return;
    const tweet = tweets.get(id);
    if (!tweet) {
      send(res, 404, { error: 'Sorry, you are not authorized to see this status.' });
      return;
    }
    send(res, 200, oembedBody(id, tweet));
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/oembed`,
    addTweet(id, tweet) {
      tweets.set(id, tweet);
    },
    hang(id) {
      hanging.add(id);
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

/** The JSON publish.twitter.com returns for a tweet with `omit_script=true`. */
function oembedBody(id: string, tweet: SandboxTweet): Record<string, unknown> {
  const tweetUrl = `https://twitter.com/${tweet.handle}/status/${id}`;
  const date = tweet.date ?? new Date().toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric' });
  const html =
    `<blockquote class="twitter-tweet"><p lang="en" dir="ltr">${tweetHtml(tweet.text)}</p>` +
    `&mdash; ${escapeHtml(tweet.name)} (@${tweet.handle}) ` +
    `<a href="${tweetUrl}?ref_src=twsrc%5Etfw">${escapeHtml(date)}</a></blockquote>\n`;
  return {
    url: tweetUrl,
    author_name: tweet.name,
    author_url: `https://twitter.com/${tweet.handle}`,
    html,
    width: 550,
    height: null,
    type: 'rich',
    cache_age: '3153600000',
    provider_name: 'Twitter',
    provider_url: 'https://twitter.com',
    version: '1.0',
  };
}

/** Tweet text as Twitter renders it in the embed: escaped, links/mentions/hashtags as anchors, `<br>` for newlines. */
function tweetHtml(text: string): string {
  const parts = text.split(/(https?:\/\/\S+|pic\.twitter\.com\/\w+|@\w{1,15}|#\w+)/);
  return parts
    .map((part, i) => {
      if (i % 2 === 0) return escapeHtml(part).replace(/\n/g, '<br>');
      if (part.startsWith('@')) return `<a href="https://twitter.com/${part.slice(1)}?ref_src=twsrc%5Etfw">${part}</a>`;
      if (part.startsWith('#'))
        return `<a href="https://twitter.com/hashtag/${part.slice(1)}?src=hash&amp;ref_src=twsrc%5Etfw">${part}</a>`;
      if (part.startsWith('pic.')) return `<a href="https://t.co/${part.slice(-10)}">${escapeHtml(part)}</a>`;
      return `<a href="${escapeHtml(part)}">${escapeHtml(part)}</a>`;
    })
    .join('');
}

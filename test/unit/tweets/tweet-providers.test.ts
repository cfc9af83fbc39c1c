import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { startFxTwitterSandbox, type FxTwitterSandbox } from '../../../src/sandbox/fxtwitter/fxtwitter-sandbox.js';
import { startOembedSandbox, type OembedSandbox } from '../../../src/sandbox/oembed/oembed-sandbox.js';
import { FX_DELETED, FX_TWEETS, RICH_TWEET_IDS } from '../../../src/sandbox/sandbox-seed.js';
import { createFxTwitterProvider } from '../../../src/tweets/fxtwitter.js';
import { resolveTweet } from '../../../src/tweets/resolve-tweet.js';
import { createTweetProviders, type TweetProviders } from '../../../src/tweets/tweet-providers.js';

describe('the tweet provider chain (fxtwitter, oembed) and its fall-through to the chat message, the words and the link', () => {
  let fx: FxTwitterSandbox;
  let oembed: OembedSandbox;
  let lines: string[];
  let chain: TweetProviders;
  /** A port nothing listens on: FxTwitter "down". */
  const closedPort = 'http://127.0.0.1:9';

  const providers = (fxUrl: string, timeoutMs?: number) =>
    createTweetProviders({
      names: ['fxtwitter', 'oembed'],
      fxtwitterApiUrl: fxUrl,
      oembedUrl: oembed.url,
      log: createLogger('debug', { write: (line: string) => void lines.push(line) }),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
  const lookups = () =>
    lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'tweet.lookup');

  beforeAll(async () => {
    fx = await startFxTwitterSandbox({ tweets: FX_TWEETS, deleted: [...FX_DELETED, '20'] });
    oembed = await startOembedSandbox({
      tweets: {
        [RICH_TWEET_IDS.photos]: {
          handle: 'miradraws',
          name: 'Mira Chen',
          text: 'from oEmbed',
          date: 'October 27, 2024',
        },
      },
    });
  });
  afterAll(async () => {
    await fx.close();
    await oembed.close();
  });
  const fresh = (fxUrl = fx.url, timeoutMs?: number) => {
    lines = [];
    chain = providers(fxUrl, timeoutMs);
    return chain;
  };

  it('takes the whole tweet from FxTwitter: full text, author, time, photos with alt text, the quoted tweet; logs the provider', async () => {
    const { tweet, source } = await resolveTweet(fresh(), {
      id: RICH_TWEET_IDS.photos,
      url: `https://x.com/i/web/status/${RICH_TWEET_IDS.photos}`,
    });
    expect(source).toBe('fxtwitter');
    expect(tweet).toMatchObject({
      id: RICH_TWEET_IDS.photos,
      url: `https://x.com/miradraws/status/${RICH_TWEET_IDS.photos}`,
      handle: 'miradraws',
      authorName: 'Mira Chen',
      text: "Two sketches from today's notebook, after re-reading this:",
      createdAt: '2024-10-27T18:42:07.000Z',
      lang: 'en',
      likes: 312,
      photos: [
        { url: `${fx.url}/media/loom-sketch.svg`, altText: 'Pencil sketch of a Jacquard loom with punched cards' },
        { url: `${fx.url}/media/engine-sketch.svg`, altText: 'Ink drawing of the Analytical Engine mill' },
      ],
      quoted: {
        id: RICH_TWEET_IDS.quoted,
        handle: 'adalab',
        authorName: 'Ada Lab',
        text: expect.stringContaining('Analytical Engine'),
      },
    });
    expect(lookups()).toMatchObject([{ provider: 'fxtwitter', skipped: [] }]);
  });

  it('falls through to oEmbed when FxTwitter is down (nothing listening), with the posted day from the blockquote', async () => {
    const { tweet, source } = await resolveTweet(fresh(closedPort), { id: RICH_TWEET_IDS.photos, handle: 'miradraws' });
    expect(source).toBe('oembed');
    expect(tweet).toMatchObject({
      text: 'from oEmbed',
      handle: 'miradraws',
      authorName: 'Mira Chen',
      postedDay: '2024-10-27',
    });
    expect(lookups()).toMatchObject([{ provider: 'oembed', skipped: [{ provider: 'fxtwitter', answer: 'failed' }] }]);
  });

  it('falls through to oEmbed when FxTwitter answers an upstream error (code 500)', async () => {
    fx.failAll(true);
    try {
      const { source } = await resolveTweet(fresh(), { id: RICH_TWEET_IDS.photos, handle: 'miradraws' });
      expect(source).toBe('oembed');
      expect(lookups()).toMatchObject([{ skipped: [{ provider: 'fxtwitter', answer: 'failed', reason: 'code_500' }] }]);
    } finally {
      fx.failAll(false);
    }
  });

  it('falls through to oEmbed on a tombstone (FxTwitter says deleted, oEmbed still knows it)', async () => {
    const { tweet, source } = await resolveTweet(fresh(), { id: '20', handle: 'jack' });
    expect(source).toBe('oembed');
    expect(tweet.text).toBe('just setting up my twttr');
    expect(lookups()).toMatchObject([
      { provider: 'oembed', skipped: [{ provider: 'fxtwitter', answer: 'tombstone', reason: 'deleted' }] },
    ]);
  });

  it('falls through to oEmbed when FxTwitter does not answer within the timeout', async () => {
    fx.hang(RICH_TWEET_IDS.photos);
    const started = Date.now();
    const { source } = await resolveTweet(fresh(fx.url, 200), { id: RICH_TWEET_IDS.photos, handle: 'miradraws' });
    expect(source).toBe('oembed');
    expect(Date.now() - started).toBeLessThan(4000);
    expect(lookups()).toMatchObject([{ skipped: [{ provider: 'fxtwitter', reason: 'timeout' }] }]);
  });

  it('then takes what the chat message carried (its unfurl), then the words, then the link alone', async () => {
    const unknown = {
      id: RICH_TWEET_IDS.deleted,
      url: `https://x.com/someone/status/${RICH_TWEET_IDS.deleted}`,
      handle: 'someone',
    };
    const fromChat = await resolveTweet(fresh(), { ...unknown, text: 'text of the unfurl', authorName: 'Some One' });
    expect(fromChat).toStrictEqual({
      source: 'chat',
      tweet: { ...unknown, text: 'text of the unfurl', authorName: 'Some One' },
    });
    const fromWords = await resolveTweet(fresh(), unknown, { words: ' my own words ' });
    expect(fromWords).toStrictEqual({ source: 'words', tweet: { ...unknown, text: 'my own words' } });
    const linkOnly = await resolveTweet(fresh(), unknown);
    expect(linkOnly).toStrictEqual({ source: 'link', tweet: unknown });
    expect(lookups().at(-1)).toMatchObject({
      provider: null,
      skipped: [
        { provider: 'fxtwitter', answer: 'tombstone' },
        { provider: 'oembed', answer: 'failed' },
      ],
    });
  });

  it('asks no provider for a tweet without an id (`@handle text`)', async () => {
    const resolved = await resolveTweet(fresh(), { handle: 'jack', text: 'typed' });
    expect(resolved).toStrictEqual({ source: 'chat', tweet: { handle: 'jack', text: 'typed' } });
    expect(lookups()).toStrictEqual([]);
  });

  it("gets the author's whole chain, in order, for a thread lookup from its third tweet", async () => {
    const { tweet } = await resolveTweet(
      fresh(),
      { id: RICH_TWEET_IDS.threadEnd, handle: 'tompark' },
      { thread: true },
    );
    expect(tweet.thread?.map((t) => t.id)).toStrictEqual([
      RICH_TWEET_IDS.threadStart,
      RICH_TWEET_IDS.threadMiddle,
      RICH_TWEET_IDS.threadEnd,
    ]);
    expect(tweet.thread?.[1]?.photos).toHaveLength(1);
    expect(fx.requests.at(-1)).toBe(`/2/thread/${RICH_TWEET_IDS.threadEnd}`);
    // A tweet in no thread is itself.
    const alone = await resolveTweet(fresh(), { id: RICH_TWEET_IDS.quoted }, { thread: true });
    expect(alone.tweet.thread).toBeUndefined();
  });
});

describe('createFxTwitterProvider', () => {
  const provider = (body: unknown, status = 200) =>
    createFxTwitterProvider({
      baseUrl: 'http://fx.test',
      fetch: () => Promise.resolve(Response.json(body, { status })),
    });
  const ask = (p: ReturnType<typeof provider>) => p.status({ id: '20' }, new AbortController().signal);

  it('reads the 400 ApiQueryError, a null status, a body that is not a SocialThread and a tombstone inside a 200', async () => {
    expect(await ask(provider({ code: 400, message: 'bad id' }, 400))).toStrictEqual({
      kind: 'failed',
      reason: 'http_400',
    });
    expect(await ask(provider({ code: 404, status: null, thread: null, author: null }, 404))).toStrictEqual({
      kind: 'failed',
      reason: 'code_404',
    });
    expect(await ask(provider({ hello: 'world' }))).toStrictEqual({
      kind: 'failed',
      reason: 'http_200_unexpected_body',
    });
    const tomb = {
      code: 200,
      status: { type: 'tombstone', provider: 'twitter', reason: 'suspended', message: 'gone' },
      thread: null,
      author: null,
    };
    expect(await ask(provider(tomb))).toStrictEqual({ kind: 'tombstone', reason: 'suspended' });
  });

  it('keeps a quoted tombstone out (the quote is gone) and refuses ids that are not snowflakes without a request', async () => {
    const status = {
      type: 'status',
      id: '20',
      text: 'hi',
      author: { screen_name: 'jack', name: 'jack' },
      quote: { type: 'tombstone', provider: 'twitter', reason: 'deleted', message: 'x' },
    };
    const answer = await ask(provider({ code: 200, status, thread: null, author: null }));
    expect(answer).toStrictEqual({
      kind: 'found',
      tweet: { id: '20', url: 'https://x.com/jack/status/20', text: 'hi', handle: 'jack', authorName: 'jack' },
    });
    let called = false;
    const p = createFxTwitterProvider({
      baseUrl: 'http://fx.test',
      fetch: () => ((called = true), Promise.reject(new Error('no'))),
    });
    expect(await p.status({ id: '../x' }, new AbortController().signal)).toStrictEqual({
      kind: 'failed',
      reason: 'bad_id',
    });
    expect(called).toBe(false);
  });
});

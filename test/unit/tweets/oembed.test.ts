import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOembedSandbox, type OembedSandbox } from '../../../src/sandbox/oembed/oembed-sandbox.js';
import { fetchTweetFromOembed } from '../../../src/tweets/oembed.js';

describe('fetchTweetFromOembed against the oEmbed sandbox', () => {
  let sandbox: OembedSandbox;

  beforeAll(async () => {
    sandbox = await startOembedSandbox({
      tweets: {
        '1591044196705927168': {
          handle: 'edwardodell',
          name: 'Edward Odell',
          text: 'NEVER LEAVE, NEVER PAY\nline two & "quotes" <tags> it\'s\n@jack #hashtag https://t.co/abc123 pic.twitter.com/AbCdEf1234',
        },
      },
    });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('extracts the text, handle and author name of the seeded first tweet', async () => {
    const result = await fetchTweetFromOembed('https://x.com/jack/status/20', { endpoint: sandbox.url });
    expect(result).toStrictEqual({
      text: 'just setting up my twttr',
      handle: 'jack',
      authorName: 'jack',
      postedDay: '2006-03-21',
    });
  });

  it('sends the canonical twitter.com URL with omit_script and dnt', async () => {
    let requested: URL | undefined;
    const spy: typeof fetch = (input, init) => {
      requested = new URL(String(input));
      return fetch(input, init);
    };
    await fetchTweetFromOembed('<https://fxtwitter.com/jack/status/20/photo/1?s=46&amp;t=x>', {
      endpoint: sandbox.url,
      fetch: spy,
    });
    expect(requested?.searchParams.get('url')).toBe('https://twitter.com/jack/status/20');
    expect(requested?.searchParams.get('omit_script')).toBe('true');
    expect(requested?.searchParams.get('dnt')).toBe('true');
    expect(sandbox.requests.at(-1)).toBe('https://twitter.com/jack/status/20');
  });

  it('looks up a link without a handle', async () => {
    const result = await fetchTweetFromOembed('https://x.com/i/web/status/20', { endpoint: sandbox.url });
    expect(result?.handle).toBe('jack');
    expect(sandbox.requests.at(-1)).toBe('https://twitter.com/i/status/20');
  });

  it('turns <br> into newlines, strips tags, decodes entities and keeps t.co / pic.twitter.com links as text', async () => {
    const result = await fetchTweetFromOembed('https://twitter.com/edwardodell/status/1591044196705927168', {
      endpoint: sandbox.url,
    });
    expect(result).toStrictEqual({
      text: 'NEVER LEAVE, NEVER PAY\nline two & "quotes" <tags> it\'s\n@jack #hashtag https://t.co/abc123 pic.twitter.com/AbCdEf1234',
      handle: 'edwardodell',
      authorName: 'Edward Odell',
      // The sandbox dates a tweet without a date today.
      postedDay: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });

  it('decodes numeric entities and <br/> in a real-looking response', async () => {
    const body = {
      url: 'https://twitter.com/jack/status/21',
      author_name: 'jack',
      author_url: 'https://twitter.com/jack',
      html: '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">caf&#233; &#x1F426;<br/>&quot;hi&quot; &amp;amp; <a href="https://t.co/x">pic.twitter.com/x</a></p>&mdash; jack (@jack) <a href="https://twitter.com/jack/status/21?ref_src=twsrc%5Etfw">March 21, 2006</a></blockquote>\n',
      width: 550,
      height: null,
      type: 'rich',
      cache_age: '3153600000',
      provider_name: 'Twitter',
      provider_url: 'https://twitter.com',
      version: '1.0',
    };
    const fake: typeof fetch = () => Promise.resolve(Response.json(body));
    const result = await fetchTweetFromOembed('https://x.com/jack/status/21', {
      endpoint: 'https://publish.twitter.com/oembed',
      fetch: fake,
    });
    expect(result).toStrictEqual({
      text: 'café 🐦\n"hi" &amp; pic.twitter.com/x',
      handle: 'jack',
      authorName: 'jack',
      postedDay: '2006-03-21',
    });
  });

  it('gives undefined for an unknown (deleted or protected) tweet: 404', async () => {
    await expect(
      fetchTweetFromOembed('https://x.com/jack/status/404404', { endpoint: sandbox.url }),
    ).resolves.toBeUndefined();
  });

  it('gives undefined without asking when the URL is not a tweet link', async () => {
    const before = sandbox.requests.length;
    await expect(fetchTweetFromOembed('https://x.com/jack', { endpoint: sandbox.url })).resolves.toBeUndefined();
    expect(sandbox.requests.length).toBe(before);
  });

  it('gives undefined when the endpoint hangs past timeoutMs', async () => {
    sandbox.addTweet('777', { handle: 'slow', name: 'Slow', text: 'never arrives' });
    sandbox.hang('777');
    const started = Date.now();
    await expect(
      fetchTweetFromOembed('https://x.com/slow/status/777', { endpoint: sandbox.url, timeoutMs: 200 }),
    ).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives undefined for bad JSON, a wrong shape, a 5xx or a network error', async () => {
    const respond =
      (res: Response): typeof fetch =>
      () =>
        Promise.resolve(res);
    const opts = { endpoint: 'https://publish.twitter.com/oembed' };
    const url = 'https://x.com/jack/status/20';
    await expect(
      fetchTweetFromOembed(url, { ...opts, fetch: respond(new Response('not json', { status: 200 })) }),
    ).resolves.toBeUndefined();
    await expect(
      fetchTweetFromOembed(url, { ...opts, fetch: respond(Response.json({ html: 42 })) }),
    ).resolves.toBeUndefined();
    await expect(
      fetchTweetFromOembed(url, { ...opts, fetch: respond(Response.json({ html: '<div>no paragraph</div>' })) }),
    ).resolves.toBeUndefined();
    await expect(
      fetchTweetFromOembed(url, { ...opts, fetch: respond(Response.json({ error: 'x' }, { status: 503 })) }),
    ).resolves.toBeUndefined();
    await expect(
      fetchTweetFromOembed(url, { ...opts, fetch: () => Promise.reject(new TypeError('fetch failed')) }),
    ).resolves.toBeUndefined();
    await expect(fetchTweetFromOembed(url, { endpoint: 'not a url' })).resolves.toBeUndefined();
  });
});

describe('oEmbed sandbox', () => {
  it('answers 400 for a missing or non-tweet url and 404 for an unknown id, with JSON errors', async () => {
    const sandbox = await startOembedSandbox();
    try {
      const missing = await fetch(sandbox.url);
      expect(missing.status).toBe(400);
      const notTweet = await fetch(`${sandbox.url}?url=${encodeURIComponent('https://x.com/jack')}`);
      expect(notTweet.status).toBe(400);
      const unknown = await fetch(`${sandbox.url}?url=${encodeURIComponent('https://twitter.com/jack/status/1')}`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toHaveProperty('error');
      const known = await fetch(
        `${sandbox.url}?url=${encodeURIComponent('https://twitter.com/jack/status/20')}&omit_script=true&dnt=true`,
      );
      expect(known.status).toBe(200);
      expect(await known.json()).toMatchObject({
        url: 'https://twitter.com/jack/status/20',
        author_name: 'jack',
        author_url: 'https://twitter.com/jack',
        html: '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">just setting up my twttr</p>&mdash; jack (@jack) <a href="https://twitter.com/jack/status/20?ref_src=twsrc%5Etfw">March 21, 2006</a></blockquote>\n',
        type: 'rich',
        provider_name: 'Twitter',
        version: '1.0',
      });
      expect(sandbox.requests).toStrictEqual([
        'https://x.com/jack',
        'https://twitter.com/jack/status/1',
        'https://twitter.com/jack/status/20',
      ]);
    } finally {
      await sandbox.close();
    }
  });

  it('closes while a request hangs', async () => {
    const sandbox = await startOembedSandbox();
    sandbox.hang('20');
    const pending = fetch(`${sandbox.url}?url=${encodeURIComponent('https://twitter.com/jack/status/20')}`).catch(
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    await sandbox.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});

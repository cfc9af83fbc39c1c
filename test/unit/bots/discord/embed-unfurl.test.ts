import { Collection } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { tweetInputOfMessage, tweetLinkOf, unfurlFromEmbeds } from '../../../../src/bots/discord/embed-unfurl.js';
import { tweetEmbed } from '../../../../src/sandbox/discord/discord-sandbox.js';

describe('tweetLinkOf', () => {
  it.each([
    ['https://twitter.com/jack/status/20', 'https://x.com/jack/status/20'],
    ['https://x.com/jack/status/20?s=20&t=abc', 'https://x.com/jack/status/20'],
    ['https://www.twitter.com/jack/statuses/20', 'https://x.com/jack/status/20'],
    ['https://mobile.twitter.com/jack/status/20/photo/1', 'https://x.com/jack/status/20'],
    ['https://fxtwitter.com/jack/status/20', 'https://x.com/jack/status/20'],
    ['https://vxtwitter.com/jack/status/20', 'https://x.com/jack/status/20'],
    ['https://fixupx.com/jack/status/20', 'https://x.com/jack/status/20'],
    ['https://x.com/i/web/status/20', 'https://x.com/i/web/status/20'],
  ])('%s -> %s', (input, expected) => {
    expect(tweetLinkOf(input)).toBe(expected);
  });

  it.each([
    'https://x.com/jack',
    'https://example.com/jack/status/20',
    'https://x.com.evil.example/jack/status/20',
    'javascript:alert(1)//x.com/jack/status/20',
    'not a url',
    '',
    null,
    undefined,
  ])('ignores %s', (input) => {
    expect(tweetLinkOf(input)).toBeUndefined();
  });
});

describe('unfurlFromEmbeds', () => {
  it('reads Discord\'s tweet embed: the handle from "Name (@handle)", the description, the canonical link', () => {
    const embed = tweetEmbed({ handle: 'jack', name: 'jack', id: '20', text: 'just setting up my twttr' });
    expect(unfurlFromEmbeds([embed])).toEqual({
      author: '@jack',
      text: 'just setting up my twttr',
      url: 'https://x.com/jack/status/20',
    });
  });

  it('keeps a display name when there is no handle, and leaves out an empty description', () => {
    expect(
      unfurlFromEmbeds([{ url: 'https://x.com/naval/status/1', author: { name: 'Naval' }, description: '   ' }]),
    ).toEqual({
      author: 'Naval',
      text: undefined,
      url: 'https://x.com/naval/status/1',
    });
  });

  it('skips embeds that are not tweets and takes the first tweet', () => {
    const article = { url: 'https://example.com/post', description: 'an article', author: { name: 'Blog' } };
    const tweet = tweetEmbed({ handle: 'naval', id: '2', text: 'second' });
    expect(unfurlFromEmbeds([article, tweet, tweetEmbed({ handle: 'jack', id: '20', text: 'third' })])).toMatchObject({
      author: '@naval',
      text: 'second',
    });
    expect(unfurlFromEmbeds([article])).toBeUndefined();
    expect(unfurlFromEmbeds([])).toBeUndefined();
    expect(unfurlFromEmbeds(undefined)).toBeUndefined();
  });
});

describe('tweetInputOfMessage', () => {
  const embed = tweetEmbed({ handle: 'naval', id: '1002103360646823936', text: 'Seek wealth, not money or status.' });

  it('uses the tweet embed, not the words around the link', () => {
    expect(
      tweetInputOfMessage({
        content: 'worth reading https://twitter.com/naval/status/1002103360646823936',
        embeds: [embed],
      }),
    ).toEqual({
      text: 'https://x.com/naval/status/1002103360646823936',
      unfurl: {
        author: '@naval',
        text: 'Seek wealth, not money or status.',
        url: 'https://x.com/naval/status/1002103360646823936',
      },
      comment: 'worth reading',
    });
  });

  it('uses the message text when there is no tweet link or embed', () => {
    expect(tweetInputOfMessage({ content: ' @jack just setting up my twttr ', embeds: [] })).toEqual({
      text: '@jack just setting up my twttr',
    });
  });

  it("keeps only the tweet link when Discord has not embedded it yet: the words are the poster's comment", () => {
    expect(tweetInputOfMessage({ content: 'wow look at this https://x.com/jack/status/20', embeds: [] })).toEqual({
      text: 'https://x.com/jack/status/20',
      comment: 'wow look at this',
    });
    expect(
      tweetInputOfMessage({ content: 'no preview please <https://fxtwitter.com/jack/status/20>', embeds: [] }),
    ).toEqual({
      text: 'https://x.com/jack/status/20',
      comment: 'no preview please',
    });
  });

  it('reads a forwarded message from its snapshot', () => {
    const snapshots = new Collection([['1', { content: 'https://x.com/jack/status/20', embeds: [] }]]);
    expect(tweetInputOfMessage({ content: '', embeds: [], messageSnapshots: snapshots })).toEqual({
      text: 'https://x.com/jack/status/20',
    });
    const commented = new Collection([['1', { content: 'lol https://twitter.com/jack/status/20', embeds: [] }]]);
    expect(tweetInputOfMessage({ content: '', embeds: [], messageSnapshots: commented })).toEqual({
      text: 'https://x.com/jack/status/20',
      comment: 'lol',
    });
    const withEmbed = new Collection([['1', { content: '', embeds: [embed] }]]);
    expect(tweetInputOfMessage({ content: 'look', embeds: [], messageSnapshots: withEmbed }).unfurl).toMatchObject({
      author: '@naval',
    });
  });
});

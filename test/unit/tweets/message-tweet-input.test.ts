import { describe, expect, it } from 'vitest';
import { tweetInputFromMessageText } from '../../../src/tweets/message-tweet-input.js';
import { firstTweetLink, parseTweetInput } from '../../../src/tweets/parse-tweet-input.js';
import { fromChat } from './chat-text.js';

describe('firstTweetLink', () => {
  it.each([
    ['wow look at this <https://x.com/jack/status/20>', { id: '20', handle: 'jack' }],
    ['see <https://twitter.com/jack/status/20?s=46&amp;t=abc|this tweet> lol', { id: '20', handle: 'jack' }],
    ['[the tweet](https://fxtwitter.com/jack/status/20) is great', { id: '20', handle: 'jack' }],
    ['<https://x.com/jack/status/20> (embed suppressed)', { id: '20', handle: 'jack' }],
    ['x.com/jack/status/20, scheme-less', { id: '20', handle: 'jack' }],
    ['https://example.com/a then https://x.com/i/web/status/20', { id: '20' }],
  ])('%s', (text, link) => {
    expect(firstTweetLink(fromChat(text))).toEqual(link);
  });

  it('is undefined without a tweet link', () => {
    expect(firstTweetLink(fromChat('@jack just setting up my twttr'))).toBeUndefined();
    expect(firstTweetLink(fromChat('https://x.com/jack and https://example.com/jack/status/20'))).toBeUndefined();
    expect(firstTweetLink(fromChat(''))).toBeUndefined();
  });
});

describe('tweetInputFromMessageText', () => {
  it('keeps only the link when words surround it: they are the comment, the text comes from oEmbed', () => {
    const input = tweetInputFromMessageText(fromChat('wow look at this <https://x.com/jack/status/20>'));
    expect(input).toEqual({ text: 'https://x.com/jack/status/20', comment: 'wow look at this' });
    // Core then has a link and no text, which is what makes the save worker ask the providers; the words are the note.
    expect(parseTweetInput(input)).toEqual({
      kind: 'tweet',
      tweet: { id: '20', url: 'https://x.com/jack/status/20', handle: 'jack' },
    });
  });

  it('keeps only the first tweet link, canonical, from any form', () => {
    expect(
      tweetInputFromMessageText(
        fromChat('first https://mobile.twitter.com/jack/status/20/photo/1 then https://x.com/naval/status/1'),
      ),
    ).toEqual({
      text: 'https://x.com/jack/status/20',
      comment: 'first then https://x.com/naval/status/1',
    });
    expect(tweetInputFromMessageText(fromChat('look [here](https://vxtwitter.com/i/status/20)!')).text).toBe(
      'https://x.com/i/web/status/20',
    );
  });

  it('passes the unfurl on with the link, so its text still wins over the comment', () => {
    const unfurl = {
      author: '@jack',
      text: 'just setting up my twttr',
      url: 'https://twitter.com/jack/status/20?s=46&amp;t=abc',
    };
    const input = tweetInputFromMessageText(
      fromChat('so old! <https://twitter.com/jack/status/20?s=46&amp;t=abc>'),
      unfurl,
    );
    expect(input).toEqual({ text: 'https://x.com/jack/status/20', unfurl, comment: 'so old!' });
    expect(parseTweetInput(input)).toMatchObject({
      kind: 'tweet',
      tweet: { id: '20', handle: 'jack', text: 'just setting up my twttr' },
    });
  });

  it("takes the unfurl's link when the text has none (a share whose link is only in the preview)", () => {
    const unfurl = { author: '@naval', text: 'Seek wealth', url: 'https://x.com/naval/status/1002103360646823936' };
    expect(tweetInputFromMessageText(fromChat('worth reading'), unfurl)).toEqual({
      text: 'https://x.com/naval/status/1002103360646823936',
      unfurl,
    });
  });

  it("prefers the unfurl's tweet over another tweet linked in the text", () => {
    const unfurl = { author: '@naval', text: 'Seek wealth', url: 'https://x.com/naval/status/1002103360646823936' };
    expect(
      tweetInputFromMessageText(
        fromChat('<https://x.com/jack/status/20> vs <https://x.com/naval/status/1002103360646823936>'),
        unfurl,
      ).text,
    ).toBe('https://x.com/naval/status/1002103360646823936');
  });

  it('passes a message without any tweet link on as written', () => {
    expect(tweetInputFromMessageText(fromChat('@jack just setting up my twttr'))).toEqual({
      text: '@jack just setting up my twttr',
    });
    expect(tweetInputFromMessageText(fromChat('read https://example.com/post'))).toEqual({
      text: 'read https://example.com/post',
    });
    expect(tweetInputFromMessageText(fromChat(''))).toEqual({ text: '' });
    const profile = { author: 'jack', text: 'bio', url: 'https://x.com/jack' };
    expect(tweetInputFromMessageText(fromChat('hello'), profile)).toEqual({ text: 'hello', unfurl: profile });
  });
});

import { describe, expect, it } from 'vitest';
import {
  tweetInputFromMessage,
  unfurlFromAttachment,
  unfurlFromAttachments,
} from '../../../../src/bots/slack/unfurl.js';
import {
  classicTweetAttachment,
  imageOnlyAttachment,
  xTweetAttachment,
} from '../../../../src/sandbox/slack/payloads.js';

// Field for field as in real exports (rusq/slackdump internal/viewer/renderer/slack_fixtures_test.go).
const CLASSIC = {
  from_url: 'https://twitter.com/edwardodell/status/1591044196705927168?s=46&amp;t=Xq1cZ3dW6yBd2ZrZ8Ui4hA',
  ts: 1668108012,
  author_name: 'Edward Odell',
  author_link: 'https://twitter.com/edwardodell/status/1591044196705927168',
  author_icon: 'https://pbs.twimg.com/profile_images/1/x_normal.jpg',
  author_subname: '@edwardodell',
  text: 'NEVER LEAVE, NEVER PAY',
  service_name: 'twitter',
  service_url: 'https://twitter.com/',
  footer: 'Twitter',
  id: 1,
  original_url: 'https://twitter.com/edwardodell/status/1591044196705927168?s=46&amp;t=Xq1cZ3dW6yBd2ZrZ8Ui4hA',
  fallback: '<https://twitter.com/edwardodell|@edwardodell>: NEVER LEAVE, NEVER PAY',
};
const X_ERA = {
  from_url: 'https://x.com/ElonMursq/status/1800000000000000000',
  thumb_url: 'https://pbs.twimg.com/profile_images/1/y_200x200.jpg',
  service_icon: 'http://abs.twimg.com/favicons/twitter.3.ico',
  id: 1,
  original_url: 'https://x.com/ElonMursq/status/1800000000000000000',
  fallback: 'X (formerly Twitter): Elon Mursq (@ElonMursq) on X',
  text: 'The thing about rockets',
  title: 'Elon Mursq (@ElonMursq) on X',
  title_link: 'https://x.com/ElonMursq/status/1800000000000000000',
  service_name: 'X (formerly Twitter)',
};

describe('unfurlFromAttachment', () => {
  it('reads the classic twitter unfurl: handle from author_subname, text, original_url', () => {
    expect(unfurlFromAttachment(CLASSIC)).toEqual({
      author: '@edwardodell',
      text: 'NEVER LEAVE, NEVER PAY',
      url: CLASSIC.original_url,
    });
  });

  it('falls back to author_name, then from_url / author_link', () => {
    const { author_subname: _s, original_url: _o, ...noSub } = CLASSIC;
    expect(unfurlFromAttachment(noSub)).toEqual({ author: 'Edward Odell', text: CLASSIC.text, url: CLASSIC.from_url });
    const { from_url: _f, ...onlyAuthorLink } = noSub;
    expect(unfurlFromAttachment(onlyAuthorLink)?.url).toBe(CLASSIC.author_link);
  });

  it('reads the X-era unfurl: handle from the title, text, original_url', () => {
    expect(unfurlFromAttachment(X_ERA)).toEqual({
      author: '@ElonMursq',
      text: 'The thing about rockets',
      url: X_ERA.original_url,
    });
    const { original_url: _o, from_url: _f, ...onlyTitleLink } = X_ERA;
    expect(unfurlFromAttachment(onlyTitleLink)?.url).toBe(X_ERA.title_link);
    expect(unfurlFromAttachment({ ...X_ERA, title: 'Some Name on X' })?.author).toBe('Some Name');
  });

  it('ignores other services and attachments without text or link', () => {
    expect(
      unfurlFromAttachment({
        service_name: 'YouTube',
        title: 'A video',
        text: 'x',
        original_url: 'https://youtu.be/1',
      }),
    ).toBeUndefined();
    expect(unfurlFromAttachment({ service_name: 'twitter' })).toBeUndefined();
    expect(unfurlFromAttachment(imageOnlyAttachment('https://x.com/a/status/1'))).toBeUndefined();
  });

  it('the sandbox payload builders produce shapes the extractor reads', () => {
    const opts = { name: 'jack', handle: 'jack', statusId: '20', text: 'just setting up my twttr' };
    expect(unfurlFromAttachment(classicTweetAttachment(opts))).toMatchObject({ author: '@jack', text: opts.text });
    expect(unfurlFromAttachment(xTweetAttachment(opts))).toMatchObject({
      author: '@jack',
      text: opts.text,
      url: 'https://x.com/jack/status/20',
    });
  });
});

describe('unfurlFromAttachments / tweetInputFromMessage', () => {
  it('skips the image-only extra and non-objects and finds the tweet', () => {
    expect(unfurlFromAttachments([null, 'x', imageOnlyAttachment(X_ERA.from_url), X_ERA])?.author).toBe('@ElonMursq');
    expect(unfurlFromAttachments(undefined)).toBeUndefined();
  });

  it("reads a shared message's text (not its Slack permalink) and keeps only the tweet link, with the unfurl", () => {
    const input = tweetInputFromMessage({
      text: 'look at this',
      attachments: [
        {
          is_share: true,
          text: 'https://x.com/edwardodell/status/1591044196705927168',
          from_url: 'https://acme.slack.com/archives/C1/p1',
        },
        CLASSIC,
      ],
    });
    expect(input).toEqual({
      text: 'https://x.com/edwardodell/status/1591044196705927168',
      unfurl: unfurlFromAttachment(CLASSIC),
      comment: 'look at this',
    });
  });

  it("a shared message without a link is saved from its text, after the sharer's words", () => {
    const input = tweetInputFromMessage({
      text: 'look at this',
      attachments: [
        { is_share: true, text: '@jack just setting up my twttr', from_url: 'https://acme.slack.com/archives/C1/p1' },
      ],
    });
    expect(input).toEqual({ text: 'look at this\n@jack just setting up my twttr' });
  });

  it("words around a tweet link are the poster's comment: only the link goes on (core then asks oEmbed)", () => {
    expect(tweetInputFromMessage({ text: 'wow look at this <https://x.com/jack/status/20>' })).toEqual({
      text: 'https://x.com/jack/status/20',
      comment: 'wow look at this',
    });
    expect(tweetInputFromMessage({ text: '<https://x.com/jack/status/20>' })).toEqual({
      text: 'https://x.com/jack/status/20',
    });
  });

  it('keeps the unfurl, whose text wins, when Slack already added it', () => {
    const input = tweetInputFromMessage({
      text: `so good <${CLASSIC.original_url}>`,
      attachments: [CLASSIC, imageOnlyAttachment(CLASSIC.from_url)],
    });
    expect(input).toEqual({
      text: 'https://x.com/edwardodell/status/1591044196705927168',
      unfurl: { author: '@edwardodell', text: 'NEVER LEAVE, NEVER PAY', url: CLASSIC.original_url },
      comment: 'so good',
    });
  });

  it('passes messages without a tweet link through as written', () => {
    expect(tweetInputFromMessage({ text: '@jack just setting up my twttr' })).toEqual({
      text: '@jack just setting up my twttr',
    });
    expect(tweetInputFromMessage({})).toEqual({ text: '' });
  });
});

import { describe, expect, it } from 'vitest';
import { parseTweetInput, type ParsedTweetInput } from '../../../src/tweets/parse-tweet-input.js';
import type { Tweet, TweetInput, TweetUnfurl } from '../../../src/tweets/tweet.js';
import { asAdapterInput } from './chat-text.js';

const JACK = { id: '20', url: 'https://x.com/jack/status/20', handle: 'jack' } satisfies Tweet;
const TWTTR = 'just setting up my twttr';
const tweet = (t: Tweet): ParsedTweetInput => ({ kind: 'tweet', tweet: t });

/**
 * What a Slack adapter derives from a message attachment (unfurl): author from author_name/author_subname or the
 * X-era title, url from original_url/from_url/title_link, text as is.
 */
interface SlackAttachment {
  service_name?: string;
  author_name?: string;
  author_subname?: string;
  author_link?: string;
  title?: string;
  title_link?: string;
  text?: string;
  from_url?: string;
  original_url?: string;
  fallback?: string;
}
function fromSlackAttachment(a: SlackAttachment): TweetUnfurl {
  const author =
    a.author_name && a.author_subname
      ? `${a.author_name} (${a.author_subname})`
      : (a.author_subname ?? a.author_name ?? a.title);
  return { author, url: a.original_url ?? a.from_url ?? a.title_link ?? a.author_link, text: a.text };
}

// Real attachments from rusq/slackdump internal/viewer/renderer/slack_fixtures_test.go (exported Slack messages).
const classicTwitterAttachment: SlackAttachment = {
  fallback: '<https://twitter.com/edwardodell|@edwardodell>: NEVER LEAVE, NEVER PAY',
  author_name: 'Edward Odell',
  author_subname: '@edwardodell',
  author_link: 'https://twitter.com/edwardodell/status/1591044196705927168',
  text: 'NEVER LEAVE, NEVER PAY',
  service_name: 'twitter',
  from_url: 'https://twitter.com/edwardodell/status/1591044196705927168?s=46&amp;t=w-i11UUFTIWOtvEWpF2hpQ',
  original_url: 'https://twitter.com/edwardodell/status/1591044196705927168?s=46&amp;t=w-i11UUFTIWOtvEWpF2hpQ',
};
const xEraProfileAttachment: SlackAttachment = {
  fallback: 'X (formerly Twitter): Elon Musk Junior :flag-ke: (@ElonMursq) on X',
  title: 'Elon Musk Junior :flag-ke: (@ElonMursq) on X',
  title_link: 'https://twitter.com/ElonMursq',
  text: 'Please help me reconnect with my dad @ElonMusk.\n\nMy BTC wallet address: 1FM6odFCta6gKwo2ib9jJ2JCEJgQixLoc2',
  service_name: 'X (formerly Twitter)',
  from_url: 'https://twitter.com/ElonMursq',
  original_url: 'https://twitter.com/ElonMursq',
};
const ODELL = {
  id: '1591044196705927168',
  url: 'https://x.com/edwardodell/status/1591044196705927168',
  handle: 'edwardodell',
} satisfies Tweet;

const LONG = 'a long thread of thoughts '.repeat(200).trim();

const cases: Array<[name: string, input: TweetInput, expected: ParsedTweetInput]> = [
  // --- links
  ['twitter.com link', { text: 'https://twitter.com/jack/status/20' }, tweet(JACK)],
  ['x.com link', { text: 'https://x.com/jack/status/20' }, tweet(JACK)],
  ['http www.twitter.com', { text: 'http://www.twitter.com/jack/status/20' }, tweet(JACK)],
  ['mobile.twitter.com', { text: 'https://mobile.twitter.com/jack/status/20' }, tweet(JACK)],
  ['m.twitter.com /statuses/', { text: 'https://m.twitter.com/jack/statuses/20' }, tweet(JACK)],
  ['www.x.com', { text: 'https://www.x.com/jack/status/20' }, tweet(JACK)],
  ['fxtwitter.com', { text: 'https://fxtwitter.com/jack/status/20' }, tweet(JACK)],
  ['vxtwitter.com', { text: 'https://vxtwitter.com/jack/status/20' }, tweet(JACK)],
  ['fixupx.com', { text: 'https://fixupx.com/jack/status/20' }, tweet(JACK)],
  ['fixvx.com', { text: 'https://fixvx.com/jack/status/20' }, tweet(JACK)],
  ['twittpr.com', { text: 'https://twittpr.com/jack/status/20' }, tweet(JACK)],
  [
    '/i/web/status/',
    { text: 'https://x.com/i/web/status/20' },
    tweet({ id: '20', url: 'https://x.com/i/web/status/20' }),
  ],
  [
    '/i/status/',
    { text: 'https://twitter.com/i/status/20' },
    tweet({ id: '20', url: 'https://x.com/i/web/status/20' }),
  ],
  ['/photo/1', { text: 'https://x.com/jack/status/20/photo/1' }, tweet(JACK)],
  ['/video/1', { text: 'https://twitter.com/jack/status/20/video/1' }, tweet(JACK)],
  ['query string', { text: 'https://x.com/jack/status/20?s=46&t=w-i11UUFTIWOtvEWpF2hpQ' }, tweet(JACK)],
  ['&amp; in query', { text: 'https://x.com/jack/status/20?s=46&amp;t=w-i11UUFTIWOtvEWpF2hpQ' }, tweet(JACK)],
  ['fragment', { text: 'https://x.com/jack/status/20#m' }, tweet(JACK)],
  ['Slack <url>', { text: '<https://twitter.com/jack/status/20?s=46&amp;t=abc>' }, tweet(JACK)],
  ['Slack <url|label>', { text: '<https://x.com/jack/status/20|x.com/jack/status/20>' }, tweet(JACK)],
  ['Slack <url|words> drops the label', { text: '<https://x.com/jack/status/20|this tweet>' }, tweet(JACK)],
  ['Discord <url> (embed suppressed)', { text: '<https://fxtwitter.com/jack/status/20>' }, tweet(JACK)],
  ['Discord masked link', { text: '[tweet](https://x.com/jack/status/20)' }, tweet(JACK)],
  ['no scheme', { text: 'x.com/jack/status/20' }, tweet(JACK)],
  ['www. without scheme', { text: 'www.twitter.com/jack/status/20' }, tweet(JACK)],
  [
    'case kept in handle',
    { text: 'https://X.COM/Jack/status/20' },
    tweet({ id: '20', url: 'https://x.com/Jack/status/20', handle: 'Jack' }),
  ],
  [
    '20-digit id',
    { text: 'https://x.com/jack/status/12345678901234567890' },
    tweet({ id: '12345678901234567890', url: 'https://x.com/jack/status/12345678901234567890', handle: 'jack' }),
  ],
  ['link in bold', { text: '*https://x.com/jack/status/20*' }, tweet(JACK)],
  [
    'link in parentheses with text',
    { text: `${TWTTR} (https://x.com/jack/status/20)` },
    tweet({ ...JACK, text: TWTTR }),
  ],
  ['surrounding whitespace', { text: '  \n https://x.com/jack/status/20 \n ' }, tweet(JACK)],
  ['Slack mention plus link', { text: '<@U0123ABC> https://x.com/jack/status/20' }, tweet(JACK)],

  // --- link plus text
  ['text before link', { text: `${TWTTR} https://x.com/jack/status/20` }, tweet({ ...JACK, text: TWTTR })],
  ['text after link', { text: `https://x.com/jack/status/20 ${TWTTR}` }, tweet({ ...JACK, text: TWTTR })],
  ['link before a comma', { text: 'see https://x.com/jack/status/20, nice' }, tweet({ ...JACK, text: 'see, nice' })],
  ['link then a full stop is just the link', { text: 'https://x.com/jack/status/20.' }, tweet(JACK)],
  ['link mid-sentence', { text: 'so true https://x.com/jack/status/20 lol' }, tweet({ ...JACK, text: 'so true lol' })],
  [
    'link then lines',
    { text: 'https://x.com/jack/status/20\njust setting up\nmy twttr' },
    tweet({ ...JACK, text: 'just setting up\nmy twttr' }),
  ],
  [
    'lines then Slack link',
    { text: 'just setting up\nmy twttr\n<https://x.com/jack/status/20>' },
    tweet({ ...JACK, text: 'just setting up\nmy twttr' }),
  ],
  [
    'link plus the author handle',
    { text: `https://x.com/jack/status/20 @jack ${TWTTR}` },
    tweet({ ...JACK, text: TWTTR }),
  ],
  [
    'link plus a reply to someone else',
    { text: 'https://x.com/jack/status/20 @biz thanks!' },
    tweet({ ...JACK, text: '@biz thanks!' }),
  ],
  [
    '/i/web link plus @handle',
    { text: `https://x.com/i/web/status/20 @jack ${TWTTR}` },
    tweet({ ...JACK, text: TWTTR }),
  ],
  [
    'first tweet link wins, others stay text',
    { text: 'https://x.com/jack/status/20 quoting https://x.com/biz/status/21' },
    tweet({ ...JACK, text: 'quoting https://x.com/biz/status/21' }),
  ],
  [
    'other links stay in the text',
    { text: 'read https://example.com/a https://x.com/jack/status/20' },
    tweet({ ...JACK, text: 'read https://example.com/a' }),
  ],
  [
    't.co link kept',
    { text: '@jack look https://t.co/abc123' },
    tweet({ handle: 'jack', text: 'look https://t.co/abc123' }),
  ],
  [
    'pic.twitter.com kept',
    { text: '@jack look pic.twitter.com/abc123' },
    tweet({ handle: 'jack', text: 'look pic.twitter.com/abc123' }),
  ],

  // --- handle and text
  ['@handle text', { text: `@jack ${TWTTR}` }, tweet({ handle: 'jack', text: TWTTR })],
  ['@handle: text', { text: `@jack: ${TWTTR}` }, tweet({ handle: 'jack', text: TWTTR })],
  [
    '@handle newline text',
    { text: '@jack\njust setting up\nmy twttr' },
    tweet({ handle: 'jack', text: 'just setting up\nmy twttr' }),
  ],
  ['@handle only', { text: '@jack' }, tweet({ handle: 'jack' })],
  [
    'Name (@handle): text',
    { text: `Jack (@jack): ${TWTTR}` },
    tweet({ handle: 'jack', authorName: 'Jack', text: TWTTR }),
  ],
  [
    'Name (@handle) on X: text',
    { text: `Jack Dorsey (@jack) on X: ${TWTTR}` },
    tweet({ handle: 'jack', authorName: 'Jack Dorsey', text: TWTTR }),
  ],
  [
    'Slack bold kept',
    { text: '@jack *just* setting up my **twttr**' },
    tweet({ handle: 'jack', text: '*just* setting up my **twttr**' }),
  ],
  [
    'Slack entities decoded',
    { text: '@jack you &amp; me &lt;3 a&gt;b' },
    tweet({ handle: 'jack', text: 'you & me <3 a>b' }),
  ],
  [
    'Slack channel mention kept as #name',
    { text: '@jack see <#C123ABC|general>' },
    tweet({ handle: 'jack', text: 'see #general' }),
  ],
  ['Slack user mention is not a handle', { text: `<@U0123ABC> ${TWTTR}` }, { kind: 'no_tweet' }],
  ['Discord user mention is not a handle', { text: `<@!123456789012345678> ${TWTTR}` }, { kind: 'no_tweet' }],
  [
    'Slack fallback with profile link label',
    { text: '<https://twitter.com/edwardodell|@edwardodell>: NEVER LEAVE, NEVER PAY' },
    tweet({ handle: 'edwardodell', text: 'NEVER LEAVE, NEVER PAY' }),
  ],
  ['long text stays whole', { text: `@jack ${LONG}` }, tweet({ handle: 'jack', text: LONG })],

  // --- text copied from X
  [
    'web UI copy',
    { text: `Jack\n@jack\n·\nMar 21, 2006\n${TWTTR}` },
    tweet({ handle: 'jack', authorName: 'Jack', text: TWTTR }),
  ],
  [
    'web UI copy, relative time',
    { text: `jack 🐦\n@jack\n·\n21m\n${TWTTR}\nsecond line` },
    tweet({ handle: 'jack', authorName: 'jack 🐦', text: `${TWTTR}\nsecond line` }),
  ],
  [
    'web UI copy, name and handle on one line',
    { text: `Jack @jack · 21m\n${TWTTR}` },
    tweet({ handle: 'jack', authorName: 'Jack', text: TWTTR }),
  ],
  [
    'web UI copy, all on one line',
    { text: `Jack @jack · Mar 21, 2006 ${TWTTR}` },
    tweet({ handle: 'jack', authorName: 'Jack', text: TWTTR }),
  ],
  [
    'web UI copy, name @handle then dot line',
    { text: `Jack @jack\n·\n3h\n${TWTTR}` },
    tweet({ handle: 'jack', authorName: 'Jack', text: TWTTR }),
  ],
  [
    'web UI copy, replying to',
    { text: `Jack\n@jack\n·\n21m\nReplying to\n@biz\n${TWTTR}` },
    tweet({ handle: 'jack', authorName: 'Jack', text: TWTTR }),
  ],
  ['name and handle lines only', { text: 'Jack\n@jack' }, tweet({ handle: 'jack', authorName: 'Jack' })],
  [
    'a handle on its own line inside prose is not a header',
    { text: 'thanks to\n@biz\nfor this' },
    { kind: 'no_tweet' },
  ],
  [
    'focused tweet copy with footer',
    { text: `Jack\n@jack\n${TWTTR}\n9:50 PM · Mar 21, 2006\n·\n1.2M\nViews` },
    tweet({ handle: 'jack', authorName: 'Jack', text: TWTTR }),
  ],
  [
    'web UI copy plus link',
    { text: `https://x.com/jack/status/20\nJack\n@jack\n·\nMar 21, 2006\n${TWTTR}` },
    tweet({ ...JACK, authorName: 'Jack', text: TWTTR }),
  ],
  [
    'embed text with —',
    { text: `${TWTTR}\n— jack (@jack) March 21, 2006` },
    tweet({ handle: 'jack', authorName: 'jack', text: TWTTR }),
  ],
  [
    'embed text with &mdash;',
    { text: `${TWTTR}\n&mdash; jack (@jack) March 21, 2006` },
    tweet({ handle: 'jack', authorName: 'jack', text: TWTTR }),
  ],
  [
    'embed text with &amp;mdash; (Slack-escaped HTML)',
    { text: `${TWTTR}\n&amp;mdash; jack (@jack) March 21, 2006` },
    tweet({ handle: 'jack', authorName: 'jack', text: TWTTR }),
  ],
  [
    'embed text with -',
    { text: `${TWTTR}\n- jack (@jack) March 21, 2006` },
    tweet({ handle: 'jack', authorName: 'jack', text: TWTTR }),
  ],
  [
    'embed text on one line',
    { text: `${TWTTR} — jack (@jack) March 21, 2006` },
    tweet({ handle: 'jack', authorName: 'jack', text: TWTTR }),
  ],
  [
    'embed text with pic link and tweet link',
    {
      text: `look pic.twitter.com/abc\n— Jack (@jack) <https://twitter.com/jack/status/20?ref_src=twsrc%5Etfw|March 21, 2006>`,
    },
    tweet({ ...JACK, authorName: 'Jack', text: 'look pic.twitter.com/abc' }),
  ],

  // --- not tweets
  ['empty', { text: '' }, { kind: 'empty' }],
  ['whitespace', { text: '  \n\t ' }, { kind: 'empty' }],
  ['only markup', { text: '<@U0123ABC> <!here>' }, { kind: 'empty' }],
  ['only formatting characters', { text: '** __ ~~' }, { kind: 'empty' }],
  ['other site', { text: 'https://example.com/a' }, { kind: 'not_tweet_link', url: 'https://example.com/a' }],
  [
    'other site in Slack markup',
    { text: '<https://example.com/a?b=1&amp;c=2>' },
    { kind: 'not_tweet_link', url: 'https://example.com/a?b=1&c=2' },
  ],
  ['profile link', { text: 'https://x.com/jack' }, { kind: 'not_tweet_link', url: 'https://x.com/jack' }],
  ['x.com/home', { text: 'https://x.com/home' }, { kind: 'not_tweet_link', url: 'https://x.com/home' }],
  [
    'several non-tweet links: the first',
    { text: 'https://example.com/a https://x.com/jack' },
    { kind: 'not_tweet_link', url: 'https://example.com/a' },
  ],
  [
    '21-digit id is not a tweet',
    { text: 'https://x.com/jack/status/123456789012345678901' },
    { kind: 'not_tweet_link', url: 'https://x.com/jack/status/123456789012345678901' },
  ],
  [
    '16-char handle is not a tweet',
    { text: 'https://x.com/abcdefghijklmnop/status/20' },
    { kind: 'not_tweet_link', url: 'https://x.com/abcdefghijklmnop/status/20' },
  ],
  ['plain text', { text: TWTTR }, { kind: 'no_tweet' }],
  ['text with a non-tweet link', { text: 'read this https://example.com/a' }, { kind: 'no_tweet' }],
  ['a mention mid-text is not an author', { text: 'thanks @biz for this' }, { kind: 'no_tweet' }],
  ['an email address is not a handle', { text: 'write to jack@example.com' }, { kind: 'no_tweet' }],

  // --- unfurls
  [
    'Slack classic twitter unfurl fills handle, name and text',
    {
      text: '<https://twitter.com/edwardodell/status/1591044196705927168?s=46&amp;t=w-i11UUFTIWOtvEWpF2hpQ>',
      unfurl: fromSlackAttachment(classicTwitterAttachment),
    },
    tweet({ ...ODELL, authorName: 'Edward Odell', text: 'NEVER LEAVE, NEVER PAY' }),
  ],
  [
    'Slack classic unfurl with author @subname only, empty message text',
    {
      text: '',
      unfurl: { author: '@edwardodell', url: classicTwitterAttachment.original_url, text: 'NEVER LEAVE, NEVER PAY' },
    },
    tweet({ ...ODELL, text: 'NEVER LEAVE, NEVER PAY' }),
  ],
  [
    'X-era unfurl of a tweet: title "Name (@handle) on X"',
    {
      text: '<https://x.com/ElonMursq/status/1767278440892289024>',
      unfurl: fromSlackAttachment({
        ...xEraProfileAttachment,
        title_link: 'https://x.com/ElonMursq/status/1767278440892289024',
        original_url: undefined,
        from_url: undefined,
      }),
    },
    tweet({
      id: '1767278440892289024',
      url: 'https://x.com/ElonMursq/status/1767278440892289024',
      handle: 'ElonMursq',
      authorName: 'Elon Musk Junior :flag-ke:',
      text: 'Please help me reconnect with my dad @ElonMusk.\n\nMy BTC wallet address: 1FM6odFCta6gKwo2ib9jJ2JCEJgQixLoc2',
    }),
  ],
  [
    'X-era unfurl of a profile link: a bio is not a tweet',
    { text: '<https://twitter.com/ElonMursq>', unfurl: fromSlackAttachment(xEraProfileAttachment) },
    { kind: 'not_tweet_link', url: 'https://twitter.com/ElonMursq' },
  ],
  [
    'Discord embed from an fxtwitter link',
    {
      text: 'https://fxtwitter.com/jack/status/20',
      unfurl: { author: 'jack (@jack)', url: 'https://fxtwitter.com/jack/status/20', text: TWTTR },
    },
    tweet({ ...JACK, authorName: 'jack', text: TWTTR }),
  ],
  [
    'unfurl "Name (@handle) on X" with an /i/web link',
    {
      text: 'https://x.com/i/web/status/20',
      unfurl: { author: 'Jack (@jack) on X', url: 'https://x.com/i/web/status/20', text: TWTTR },
    },
    tweet({ ...JACK, authorName: 'Jack', text: TWTTR }),
  ],
  [
    'unfurl with a bare author name becomes the handle when nothing else names one',
    { text: 'https://x.com/i/web/status/20', unfurl: { author: 'jack', text: TWTTR } },
    tweet({ ...JACK, text: TWTTR }),
  ],
  [
    'unfurl with a bare author name is a display name when the link names the handle',
    { text: 'https://x.com/jack/status/20', unfurl: { author: 'Dorsey', text: TWTTR } },
    tweet({ ...JACK, authorName: 'Dorsey', text: TWTTR }),
  ],
  [
    'unfurl with a bare author equal to the handle adds no display name',
    { text: 'https://x.com/jack/status/20', unfurl: { author: 'Jack', text: TWTTR } },
    tweet({ ...JACK, text: TWTTR }),
  ],
  [
    'unfurl text (the tweet itself) wins over words typed around the link (a comment)',
    {
      text: 'lol look at this https://x.com/jack/status/20',
      unfurl: { author: '@jack', url: 'https://x.com/jack/status/20', text: TWTTR },
    },
    tweet({ ...JACK, text: TWTTR }),
  ],
  [
    'typed text is kept when the unfurl has none',
    {
      text: 'my own words https://x.com/jack/status/20',
      unfurl: { author: '@jack', url: 'https://x.com/jack/status/20' },
    },
    tweet({ ...JACK, text: 'my own words' }),
  ],
  [
    'unfurl about another tweet is ignored',
    {
      text: 'https://x.com/jack/status/20',
      unfurl: { author: '@biz', url: 'https://x.com/biz/status/21', text: 'other' },
    },
    tweet(JACK),
  ],
  [
    'unfurl text with Slack escapes and links',
    {
      text: 'https://x.com/jack/status/20',
      unfurl: {
        author: '@jack',
        url: '<https://x.com/jack/status/20?s=46&amp;t=x>',
        text: 'you &amp; me <https://t.co/abc>',
      },
    },
    tweet({ ...JACK, text: 'you & me https://t.co/abc' }),
  ],
  ['unfurl alone with only text is no tweet', { text: '', unfurl: { text: TWTTR } }, { kind: 'no_tweet' }],
];

describe('parseTweetInput', () => {
  it.each(cases)('%s', (_name, input, expected) => {
    expect(parseTweetInput(asAdapterInput(input))).toStrictEqual(expected);
  });

  it('keeps 5,000 characters of text whole, including a link inside it', () => {
    const text = `${'word '.repeat(999)}end`;
    const parsed = parseTweetInput({ text: `https://x.com/jack/status/20\n${text}` });
    expect(parsed).toStrictEqual(tweet({ ...JACK, text }));
    expect(text.length).toBeGreaterThan(2000);
  });
});

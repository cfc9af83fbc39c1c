import { sameHandle } from './attribution.js';
import { decodeHtmlEntities } from './html-text.js';
import { cleanText, render, tokenize } from './marked-text.js';
import { HANDLE_PATTERN, parseTweetLink, type TweetLink } from './tweet-link.js';
import type { TweetUnfurl } from './tweet.js';

/** What a platform's link preview says about the tweet. */
export interface UnfurlFacts {
  link?: TweetLink | undefined;
  /** The unfurl's URL when it is not a tweet link. */
  otherLink?: string | undefined;
  handle?: string | undefined;
  authorName?: string | undefined;
  /** A bare `jack`: a handle when nothing better is known, else a display name. */
  bareName?: string | undefined;
  text?: string | undefined;
}

/** An author line is a name and a handle; anything longer is not read further (it bounds the patterns' work). */
const AUTHOR_MAX = 200;

export function readUnfurl(unfurl: TweetUnfurl): UnfurlFacts {
  const facts: UnfurlFacts = {};
  if (unfurl.url) {
    const link = parseTweetLink(unfurl.url);
    if (link) facts.link = link;
    else {
      const url = tokenize({ text: unfurl.url.trim() }).links[0]?.url;
      if (url !== undefined) facts.otherLink = url;
    }
  }
  const author = decodeHtmlEntities(unfurl.author ?? '')
    .trim()
    .slice(0, AUTHOR_MAX);
  if (author) {
    const named = /^(.*?)\s*\(@([A-Za-z0-9_]{1,15})\)(?:\s+on\s+(?:X|Twitter))?$/i.exec(author);
    const at = /^@([A-Za-z0-9_]{1,15})$/.exec(author);
    if (named) {
      facts.handle = named[2];
      if (named[1]) facts.authorName = named[1];
    } else if (at) facts.handle = at[1];
    else if (HANDLE_PATTERN.test(author)) facts.bareName = author;
    else facts.authorName = author.replace(/\s+on\s+(?:X|Twitter)$/i, '');
  }
  if (unfurl.text) {
    const text = cleanText(render(tokenize({ text: unfurl.text, links: unfurl.links }), undefined));
    if (text !== '') facts.text = text;
  }
  return facts;
}

/** An unfurl about another tweet or author, or about a page that is not a tweet, is ignored. */
export function unfurlMatches(
  unfurl: UnfurlFacts,
  messageLink: TweetLink | undefined,
  typedHandle: string | undefined,
): boolean {
  // A profile or other page's preview (bio, description) is not a tweet's text.
  if (unfurl.otherLink !== undefined) return false;
  if (messageLink !== undefined && unfurl.link !== undefined && unfurl.link.id !== messageLink.id) return false;
  const knownHandle = messageLink?.handle ?? typedHandle;
  const unfurlHandle = unfurl.link?.handle ?? unfurl.handle;
  if (knownHandle !== undefined && unfurlHandle !== undefined && !sameHandle(knownHandle, unfurlHandle)) return false;
  return true;
}

import type { MarkedText } from './marked-text.js';
import { firstTweetLink, parseTweetInput } from './parse-tweet-input.js';
import { canonicalTweetUrl, parseTweetLink } from './tweet-link.js';
import type { TweetInput, TweetUnfurl } from './tweet.js';

/**
 * What a chat message offers to save: a DM to the bot, or the message a "Save to Notion"
 * shortcut or context-menu command is used on. Unlike `/save-tweet`, where "link followed by
 * its text" is the tweet, words people type next to a tweet link in a message are their own
 * comment (`comment`: the row's note, never dropped). Slack and Discord add the link preview only after the
 * message is sent, so the message usually arrives without it; passing just the link makes core fetch the tweet
 * from the providers. A preview that did arrive is passed on and still gives the text.
 *
 * The link is the preview's when it has one (the tweet the platform showed), else the first
 * tweet link in the message. Without any tweet link, the message is passed on whole: text copied from X
 * or `@handle text` is the tweet. Pure; never throws.
 */
export function tweetInputFromMessageText(message: MarkedText, unfurl?: TweetUnfurl): TweetInput {
  const link = (unfurl?.url !== undefined ? parseTweetLink(unfurl.url) : undefined) ?? firstTweetLink(message);
  const passed: MarkedText = link !== undefined ? { text: canonicalTweetUrl(link.id, link.handle) } : message;
  const input: TweetInput = unfurl !== undefined ? { ...passed, unfurl } : { ...passed };
  const comment = link !== undefined ? commentOf(message) : undefined;
  if (comment) input.comment = comment;
  return input;
}

/** The words around the tweet link in a message, as the parser reads `<link> words` (markup and the link removed). */
function commentOf(message: MarkedText): string | undefined {
  const parsed = parseTweetInput(message);
  return parsed.kind === 'tweet' ? parsed.tweet.text?.trim() || undefined : undefined;
}

import { decodeSlackMarkup } from '../../chat/chat-markup.js';
import { decodeHtmlEntities } from '../../tweets/html-text.js';
import { tweetInputFromMessageText } from '../../tweets/message-tweet-input.js';
import { isTweetSiteUrl } from '../../tweets/tweet-link.js';
import type { TweetInput, TweetUnfurl } from '../../tweets/tweet.js';

/** The attachment fields Slack sets on link unfurls and shared messages (all optional; payloads vary). */
export interface SlackAttachment {
  service_name?: unknown;
  author_name?: unknown;
  author_subname?: unknown;
  author_link?: unknown;
  title?: unknown;
  title_link?: unknown;
  text?: unknown;
  fallback?: unknown;
  original_url?: unknown;
  from_url?: unknown;
  is_share?: unknown;
  is_msg_unfurl?: unknown;
  [key: string]: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** Classic unfurls say `twitter`; since 2023 Slack says `X (formerly Twitter)` (sometimes just `X`). */
function isTwitterService(name: string | undefined): boolean {
  if (!name) return false;
  return /twitter/i.test(name) || /^x$/i.test(name) || /^x\s*\(/i.test(name);
}

/** "Name (@handle) on X" / "Name (@handle) on Twitter" -> "@handle", else the name part. */
function authorFromTitle(title: string | undefined): string | undefined {
  if (!title) return undefined;
  const handle = /\(@([A-Za-z0-9_]{1,15})\)/.exec(title);
  if (handle) return `@${handle[1]}`;
  const name = title.replace(/\s+on\s+(?:X|Twitter)\s*$/i, '').trim();
  return name || undefined;
}

/**
 * The tweet a Slack attachment unfurls, or undefined when it is not a Twitter/X unfurl.
 * Handles the classic `service_name: "twitter"` shape (author_subname "@handle", author_name,
 * text, original_url/from_url/author_link) and the X-era one (title "Name (@handle) on X",
 * title_link, text, original_url/from_url). URLs are passed on as Slack sent them (core decodes entities).
 */
export function unfurlFromAttachment(attachment: SlackAttachment): TweetUnfurl | undefined {
  const service = str(attachment.service_name);
  const url = str(attachment.original_url) ?? str(attachment.from_url);
  const twitterByUrl = url !== undefined && isTweetSiteUrl(decodeHtmlEntities(url));
  if (!isTwitterService(service) && !(service === undefined && twitterByUrl && str(attachment.text))) return undefined;

  const author =
    str(attachment.author_subname) ?? str(attachment.author_name) ?? authorFromTitle(str(attachment.title));
  const text = str(attachment.text);
  const link = url ?? str(attachment.title_link) ?? str(attachment.author_link);
  if (!text && !link) return undefined;
  if (text === undefined) return { author, text, url: link };
  const marked = decodeSlackMarkup(text);
  return marked.links
    ? { author, text: marked.text, links: marked.links, url: link }
    : { author, text: marked.text, url: link };
}

/** The first Twitter/X unfurl among a message's attachments (the image-only extras are skipped). */
export function unfurlFromAttachments(attachments: unknown): TweetUnfurl | undefined {
  if (!Array.isArray(attachments)) return undefined;
  for (const a of attachments) {
    if (a === null || typeof a !== 'object') continue;
    const found = unfurlFromAttachment(a as SlackAttachment);
    if (found) return found;
  }
  return undefined;
}

/** A Slack message as the shortcut payload and message events carry it (only what we read). */
export interface SlackMessageLike {
  text?: unknown;
  attachments?: unknown;
}

/**
 * What to save from a Slack message (a DM to the bot, or the message the shortcut is used on):
 * its text plus the text of a shared or forwarded message inside it (those arrive as attachments),
 * and the tweet unfurl when there is one. Words around a tweet link are the poster's comment, not
 * the tweet (see `tweetInputFromMessageText`); Slack usually adds the unfurl later, as a
 * `message_changed` we do not act on.
 */
export function tweetInputFromMessage(message: SlackMessageLike): TweetInput {
  const parts: string[] = [];
  const own = str(message.text);
  if (own) parts.push(own);
  if (Array.isArray(message.attachments)) {
    for (const a of message.attachments as unknown[]) {
      if (a === null || typeof a !== 'object') continue;
      const att = a as SlackAttachment;
      if (att.is_share === true || att.is_msg_unfurl === true) {
        const sharedText = str(att.text) ?? str(att.fallback);
        // from_url of a shared message is its Slack permalink, not the tweet: only the text counts.
        if (sharedText) parts.push(sharedText);
      }
    }
  }
  return tweetInputFromMessageText(decodeSlackMarkup(parts.join('\n')), unfurlFromAttachments(message.attachments));
}

import { decodeDiscordMarkup } from '../../chat/chat-markup.js';
import { tweetInputFromMessageText } from '../../tweets/message-tweet-input.js';
import { canonicalTweetUrl, parseTweetLink } from '../../tweets/tweet-link.js';
import type { TweetInput, TweetUnfurl } from '../../tweets/tweet.js';

/** The parts of a Discord embed that describe a tweet (discord.js `Embed` and API embeds both fit). */
export interface EmbedLike {
  url?: string | null | undefined;
  description?: string | null | undefined;
  author?: { name?: string | null | undefined } | null | undefined;
}

/** `https://fxtwitter.com/jack/status/20?s=1` -> `https://x.com/jack/status/20`; undefined for other links. */
export function tweetLinkOf(url: string | null | undefined): string | undefined {
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  const link = parseTweetLink(url);
  return link ? canonicalTweetUrl(link.id, link.handle) : undefined;
}

/** Discord's tweet embeds name the author "Jack (@jack)"; keep the handle when it is there. */
function authorOf(name: string | null | undefined): string | undefined {
  const trimmed = name?.trim();
  if (!trimmed) return undefined;
  const handle = /\(@([A-Za-z0-9_]{1,15})\)\s*$/.exec(trimmed);
  return handle ? `@${handle[1]}` : trimmed;
}

/**
 * The tweet a message's embeds describe: the first embed whose `url` is a tweet link,
 * as `{author, text, url}` for core. Undefined when no embed is a tweet (core then
 * works from the message text).
 */
export function unfurlFromEmbeds(embeds: readonly EmbedLike[] | null | undefined): TweetUnfurl | undefined {
  for (const embed of embeds ?? []) {
    const url = tweetLinkOf(embed.url);
    if (!url) continue;
    const text = embed.description?.trim() || undefined;
    if (text === undefined) return { url, author: authorOf(embed.author?.name), text };
    const marked = decodeDiscordMarkup(text);
    return {
      url,
      author: authorOf(embed.author?.name),
      text: marked.text,
      ...(marked.links ? { links: marked.links } : {}),
    };
  }
  return undefined;
}

/** The parts of a Discord message a tweet can come from (discord.js `Message` fits). */
export interface MessageLike {
  content: string;
  embeds: readonly EmbedLike[];
  /** Forwarded messages: Discord copies the original's content and embeds into snapshots. */
  messageSnapshots?: { values(): Iterable<{ content: string; embeds: readonly EmbedLike[] }> } | undefined;
}

/**
 * What to save from a message (or the message it forwards): a DM to the bot or the target of
 * "Save to Notion". A tweet embed gives the tweet (its link, author and description); without
 * one, a tweet link in the text is passed on alone, because Discord adds embeds after the
 * message is sent and the words around a shared link are the poster's comment, not the tweet
 * (see `tweetInputFromMessageText`). A message without a tweet link is passed on as written.
 */
export function tweetInputOfMessage(message: MessageLike): TweetInput {
  const snapshots = message.messageSnapshots ? [...message.messageSnapshots.values()] : [];
  const unfurl =
    unfurlFromEmbeds(message.embeds) ?? snapshots.map((s) => unfurlFromEmbeds(s.embeds)).find((u) => u !== undefined);
  const text = [message.content, ...snapshots.map((s) => s.content)]
    .map((t) => t?.trim() ?? '')
    .filter((t) => t.length > 0)
    .join('\n');
  return tweetInputFromMessageText(decodeDiscordMarkup(text), unfurl);
}

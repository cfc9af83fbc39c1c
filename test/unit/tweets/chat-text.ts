import { decodeDiscordMarkup, decodeSlackMarkup } from '../../../src/chat/chat-markup.js';
import type { MarkedText } from '../../../src/tweets/marked-text.js';
import type { TweetInput } from '../../../src/tweets/tweet.js';

/** Discord's own markup: masked links, numeric mentions and channels, custom emoji, timestamps. */
const DISCORD_ONLY = /\]\(|<(?:@[!&]?\d|#\d|a?:\w+:\d|t:-?\d)/;

/** Chat text decoded as the adapter of the platform whose markup it uses would decode it. */
export function fromChat(text: string): MarkedText {
  return DISCORD_ONLY.test(text) ? decodeDiscordMarkup(text) : decodeSlackMarkup(text);
}

/** A parser input as an adapter hands it to core: its text and its preview's text decoded. */
export function asAdapterInput(input: TweetInput): TweetInput {
  const unfurl = input.unfurl?.text === undefined ? input.unfurl : { ...input.unfurl, ...fromChat(input.unfurl.text) };
  return { ...fromChat(input.text), ...(unfurl ? { unfurl } : {}) };
}

import type { RichTweet } from './rich-tweet.js';
import type { TweetProviders } from './tweet-providers.js';
import type { Tweet } from './tweet.js';

/** Where a saved tweet's data came from: a provider's name, the chat message, the sender's words, or just the link. */
export type TweetSource = string;

export interface ResolvedTweet {
  tweet: RichTweet;
  /** `fxtwitter`, `oembed` (providers), `chat` (the unfurl or embed, or text typed as the tweet's), `words`, `link`. */
  source: TweetSource;
}

/**
 * The most complete tweet the sources give, in order: the providers (by the link's id), then what the chat message
 * carried (`given`: its unfurl or embed, or the text typed as the tweet's), then the sender's `words` as the text, then
 * the link alone. What a provider lacks (handle, author name, text) is filled from `given`. Never throws.
 */
export async function resolveTweet(
  providers: TweetProviders,
  given: Tweet,
  options: { words?: string | undefined; thread?: boolean | undefined } = {},
): Promise<ResolvedTweet> {
  if (given.id) {
    const found = await providers.lookup({ id: given.id, handle: given.handle }, { thread: options.thread === true });
    if (found) {
      const tweet: RichTweet = { ...found.tweet };
      tweet.handle ??= given.handle;
      tweet.authorName ??= given.authorName;
      if (!tweet.text) tweet.text = given.text;
      tweet.url ??= given.url;
      return { tweet: dropUndefined(tweet), source: found.provider };
    }
  }
  if (given.text) return { tweet: { ...given }, source: 'chat' };
  const words = options.words?.trim();
  if (words) return { tweet: { ...given, text: words }, source: 'words' };
  return { tweet: { ...given }, source: 'link' };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

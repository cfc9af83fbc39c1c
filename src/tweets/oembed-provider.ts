import { fetchTweetFromOembed } from './oembed.js';
import type { RichTweet, TweetProvider } from './rich-tweet.js';
import { canonicalTweetUrl } from './tweet-link.js';

/**
 * publish.twitter.com's oEmbed (TWEET_OEMBED_URL) as a tweet provider: the text, the handle, the author's display
 * name and the day it was posted. It knows no media, quotes or threads; a thread lookup gets the tweet alone.
 */
export function createOembedProvider(options: { endpoint: string; fetch?: typeof fetch }): TweetProvider {
  return {
    name: 'oembed',
    async status(ref, signal) {
      const found = await fetchTweetFromOembed(canonicalTweetUrl(ref.id, ref.handle), {
        endpoint: options.endpoint,
        // The chain's signal decides when to give up.
        timeoutMs: 60_000,
        signal,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      if (!found) return { kind: 'failed', reason: signal.aborted ? 'timeout' : 'no_answer' };
      const handle = found.handle ?? ref.handle;
      const tweet: RichTweet = { id: ref.id, url: canonicalTweetUrl(ref.id, handle), text: found.text };
      if (handle) tweet.handle = handle;
      if (found.authorName) tweet.authorName = found.authorName;
      if (found.postedDay) tweet.postedDay = found.postedDay;
      return { kind: 'found', tweet };
    },
  };
}

import type { Tweet } from './tweet.js';

/** A photo (or GIF still) of a tweet. */
export interface TweetPhoto {
  url: string;
  /** The author's description of the image, when they wrote one. */
  altText?: string | undefined;
}

/** A video (or animated GIF) of a tweet. */
export interface TweetVideo {
  url: string;
  thumbnailUrl?: string | undefined;
}

/** The tweet this one answers. */
export interface TweetReplyingTo {
  /** Without the `@`. */
  handle: string;
  id: string;
  url?: string | undefined;
}

/**
 * A tweet as a provider (FxTwitter, oEmbed) or the chat message told it, normalised: the fields of {@link Tweet}
 * plus what a rich row and its page need. Every field may be missing; a provider sets what it knows.
 */
export interface RichTweet extends Tweet {
  /** ISO 8601 time it was posted, when known to the second. */
  createdAt?: string | undefined;
  /** `YYYY-MM-DD` it was posted, when only the day is known (oEmbed's blockquote). */
  postedDay?: string | undefined;
  lang?: string | undefined;
  photos?: TweetPhoto[] | undefined;
  videos?: TweetVideo[] | undefined;
  likes?: number | undefined;
  /** The tweet it quotes (absent when the quoted tweet is deleted or unavailable). */
  quoted?: RichTweet | undefined;
  replyingTo?: TweetReplyingTo | undefined;
  /** For a thread lookup: the author's chain, first tweet first, this tweet included. */
  thread?: RichTweet[] | undefined;
}

/** Which link to look up: the parts of a parsed tweet link a provider needs. */
export interface TweetRef {
  id: string;
  /** Without the `@`, when the link had one. */
  handle?: string | undefined;
}

/** What one provider answered. */
export type ProviderAnswer =
  | { kind: 'found'; tweet: RichTweet }
  /** The tweet is deleted, suspended, private, blocked or otherwise unavailable (FxTwitter's tombstone). */
  | { kind: 'tombstone'; reason: string }
  /** The provider could not answer (error status, bad body, network): the next one may. */
  | { kind: 'failed'; reason: string };

/** One source of tweet data. Never throws for the tweet's sake; `signal` aborts the lookup (timeout). */
export interface TweetProvider {
  /** As configured in TWEET_PROVIDERS, and as logged. */
  readonly name: string;
  status(ref: TweetRef, signal: AbortSignal): Promise<ProviderAnswer>;
  /** The author's chain the tweet belongs to; providers that know no threads leave it out (then `status` is used). */
  thread?(ref: TweetRef, signal: AbortSignal): Promise<ProviderAnswer>;
}

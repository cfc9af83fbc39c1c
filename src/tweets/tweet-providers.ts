import type { Logger } from '../log.js';
import { createFxTwitterProvider } from './fxtwitter.js';
import { createOembedProvider } from './oembed-provider.js';
import type { ProviderAnswer, RichTweet, TweetProvider, TweetRef } from './rich-tweet.js';

/** The providers TWEET_PROVIDERS may name, in the default order. */
export const PROVIDER_NAMES = ['fxtwitter', 'oembed'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** A provider that does not answer within this long is skipped. */
export const PROVIDER_TIMEOUT_MS = 5000;

/** What the chain found, and which provider answered. */
export interface FoundTweet {
  tweet: RichTweet;
  provider: string;
}

/** Looks tweets up through the configured providers in order. Never throws. */
export interface TweetProviders {
  /**
   * The first provider's answer that found the tweet; `thread` asks for the author's chain (providers without
   * threads answer with the tweet alone). Undefined when every provider failed, timed out or answered a tombstone.
   */
  lookup(ref: TweetRef, options?: { thread?: boolean }): Promise<FoundTweet | undefined>;
}

/**
 * Tries `providers` in order, each for at most `timeoutMs`, falling through on a failure, a timeout or a
 * tombstone (a later provider may still know a tweet an earlier one lost). Logs which one answered.
 */
export function createProviderChain(options: {
  providers: TweetProvider[];
  timeoutMs?: number;
  log: Logger;
}): TweetProviders {
  const timeoutMs = options.timeoutMs ?? PROVIDER_TIMEOUT_MS;
  const { log } = options;

  async function ask(provider: TweetProvider, ref: TweetRef, thread: boolean): Promise<ProviderAnswer> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // A provider that ignores the signal is still left behind when the time is up.
    const timeout = new Promise<ProviderAnswer>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ kind: 'failed', reason: 'timeout' });
      }, timeoutMs);
    });
    const call =
      thread && provider.thread ? provider.thread(ref, controller.signal) : provider.status(ref, controller.signal);
    try {
      return await Promise.race([
        call.catch((err: unknown): ProviderAnswer => ({ kind: 'failed', reason: `error: ${(err as Error).name}` })),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async lookup(ref, lookupOptions = {}) {
      const skipped: { provider: string; answer: string; reason: string }[] = [];
      for (const provider of options.providers) {
        const answer = await ask(provider, ref, lookupOptions.thread === true);
        if (answer.kind === 'found') {
          // The usual case (the first provider answered) is debug: one line fewer per save at info.
          const level = skipped.length > 0 ? 'info' : 'debug';
          log[level](
            { event: 'tweet.lookup', provider: provider.name, thread: lookupOptions.thread === true, skipped },
            'tweet found',
          );
          return { tweet: answer.tweet, provider: provider.name };
        }
        skipped.push({ provider: provider.name, answer: answer.kind, reason: answer.reason });
      }
      log.info({ event: 'tweet.lookup', provider: null, skipped }, 'no provider knows the tweet');
      return undefined;
    },
  };
}

/** The chain TWEET_PROVIDERS names, with the endpoints configured. */
export function createTweetProviders(options: {
  names: readonly ProviderName[];
  fxtwitterApiUrl: string;
  oembedUrl: string;
  log: Logger;
  timeoutMs?: number;
}): TweetProviders {
  const providers = options.names.map((name): TweetProvider => {
    switch (name) {
      case 'fxtwitter':
        return createFxTwitterProvider({ baseUrl: options.fxtwitterApiUrl });
      case 'oembed':
        return createOembedProvider({ endpoint: options.oembedUrl });
    }
  });
  return createProviderChain({
    providers,
    log: options.log,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}

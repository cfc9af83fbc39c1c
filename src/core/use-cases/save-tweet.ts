import type { ChatUser } from '../chat-user.js';
import type { Core } from '../core.js';
import type { SaveTicket } from '../outcomes.js';
import type { SaveJob } from '../save-worker.js';
import type { UseCaseContext } from './context.js';
import { parseTweetInput } from '../../tweets/parse-tweet-input.js';
import { saveWordsOf } from '../../tweets/save-words.js';
import type { TweetInput } from '../../tweets/tweet.js';

/** Hands a save to the queue; its result settles the ticket. */
export type EnqueueSave = (user: ChatUser, job: SaveJob) => SaveTicket;

/** `Core.saveTweet`: reads the tweet out of the input, then queues its save. */
export function createSaveTweet(ctx: UseCaseContext, enqueue: EnqueueSave) {
  return async function saveTweet(user: ChatUser, input: TweetInput, options: Parameters<Core['saveTweet']>[2] = {}): Promise<SaveTicket> {
    const parsed = parseTweetInput(input);
    if (parsed.kind !== 'tweet') {
      const reason = parsed.kind === 'not_tweet_link' ? 'not_tweet_link' : parsed.kind === 'empty' ? 'empty' : 'no_tweet';
      ctx.log.info({ event: 'save.no_tweet', platform: user.platform, reason }, 'input holds no tweet');
      const outcome = { kind: 'no_tweet', reason } as const;
      return { outcome, result: Promise.resolve(outcome) };
    }
    const tableName = options.table?.trim() || undefined;
    const words = saveWordsOf(input, parsed);
    return enqueue(user, { tweet: words.tweet, comment: words.comment, tags: words.tags, thread: options.thread, tableName, force: options.force });
  };
}

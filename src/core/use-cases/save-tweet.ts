import { randomBytes } from '../../random-bytes.js';
import { parseTweetInput } from '../../tweets/parse-tweet-input.js';
import { saveWordsOf } from '../../tweets/save-words.js';
import type { TweetInput } from '../../tweets/tweet.js';
import { chatUserKey, type ChatUser } from '../chat-user.js';
import type { Core } from '../core.js';
import type { SaveOutcome, SaveTicket } from '../outcomes.js';
import { notionIdKey } from '../pick-target.js';
import type { ReplyTo, SaveJob } from '../save-jobs.js';
import { tweetKey } from '../tweet-key.js';
import type { UseCaseContext } from './context.js';

/** What a save asks for, before it is a job. */
export type SaveRequest = Pick<
  SaveJob,
  'tweet' | 'tableName' | 'dataSourceId' | 'force' | 'comment' | 'tags' | 'thread'
>;

/** Stores the save as a job (before the platform is acknowledged); an outcome instead when fair use refuses it. */
export type EnqueueSave = (user: ChatUser, request: SaveRequest, replyTo: ReplyTo) => Promise<SaveTicket>;

/**
 * The job key: platform, team, user, table choice and tweet, plus a nonce per accepted request. The nonce makes two
 * requests two jobs, each answered (a double click gets "Saved" and "Already saved"); the row is still written once,
 * by the duplicate guard and each job's "attempt started" mark. A replayed kept save passes its own nonce, so that
 * storing it again gives the same key.
 */
export function saveJobKey(
  user: ChatUser,
  request: Pick<SaveRequest, 'tweet' | 'tableName' | 'dataSourceId' | 'force' | 'thread'>,
  nonce: string = randomBytes(9).toString('base64url'),
): string {
  const table = request.dataSourceId
    ? `ds:${notionIdKey(request.dataSourceId)}`
    : request.tableName
      ? `name:${request.tableName.trim().toLowerCase()}`
      : 'default';
  return `save:${chatUserKey(user)}:${table}:${request.thread ? 'thread:' : ''}${tweetKey(request.tweet)}:${request.force ? 'again' : 'once'}:${nonce}`;
}

/** `Core.saveTweet`: reads the tweet out of the input, then stores its save as a job. */
export function createSaveTweet(ctx: UseCaseContext, enqueue: EnqueueSave) {
  return async function saveTweet(
    user: ChatUser,
    input: TweetInput,
    options: Parameters<Core['saveTweet']>[2] = {},
  ): Promise<SaveTicket> {
    const parsed = parseTweetInput(input);
    if (parsed.kind !== 'tweet') {
      const reason =
        parsed.kind === 'not_tweet_link' ? 'not_tweet_link' : parsed.kind === 'empty' ? 'empty' : 'no_tweet';
      ctx.log.info({ event: 'save.no_tweet', platform: user.platform, reason }, 'input holds no tweet');
      const outcome: SaveOutcome = { kind: 'no_tweet', reason };
      return { outcome };
    }
    const tableName = options.table?.trim() || undefined;
    const words = saveWordsOf(input, parsed);
    const request = {
      tweet: words.tweet,
      comment: words.comment,
      tags: words.tags,
      thread: options.thread,
      tableName,
      force: options.force,
    };
    return enqueue(user, request, options.replyTo ?? { kind: 'dm' });
  };
}

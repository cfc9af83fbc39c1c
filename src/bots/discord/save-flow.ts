import type { Core } from '../../core/core.js';
import type { ChatUser } from '../../core/chat-user.js';
import type { SaveOutcome } from '../../core/outcomes.js';
import type { TweetInput } from '../../tweets/tweet.js';

/** Runs a save to its end: the ticket's immediate outcome when core decided from the input alone, else the worker's result. */
export async function saveToEnd(core: Core, user: ChatUser, input: TweetInput): Promise<SaveOutcome> {
  const ticket = await core.saveTweet(user, input);
  return ticket.outcome ?? (await ticket.result);
}

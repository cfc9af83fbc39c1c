import type { Core } from '../core/core.js';
import type { ChatUser } from '../core/chat-user.js';
import type { SaveOutcome, SaveTicket } from '../core/outcomes.js';
import type { TweetInput } from '../tweets/tweet.js';
import type { Logger } from '../log.js';

/**
 * Runs one save to the end: the ticket's immediate outcome when the input decided it,
 * otherwise the worker's result. Never throws: an unexpected error becomes `failed/internal`
 * (logged here, never shown as a stack trace in chat). Adapters pass a logger bound to the user.
 */
export async function settleSave(start: () => Promise<SaveTicket>, log: Logger): Promise<SaveOutcome> {
  let outcome: SaveOutcome;
  try {
    const ticket = await start();
    outcome = ticket.outcome ?? (await ticket.result);
  } catch (err) {
    log.error({ err }, 'save failed unexpectedly');
    outcome = { kind: 'failed', reason: 'internal' };
  }
  log.info({ outcome: outcome.kind }, 'save finished');
  return outcome;
}

/** `core.saveTweet` run to the end (see {@link settleSave}); `options` as `Core.saveTweet` takes them. */
export function saveToEnd(core: Core, user: ChatUser, input: TweetInput, log: Logger, options?: Parameters<Core['saveTweet']>[2]): Promise<SaveOutcome> {
  return settleSave(() => core.saveTweet(user, input, options), log);
}

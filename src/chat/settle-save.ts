import type { ChatUser } from '../core/chat-user.js';
import type { Core } from '../core/core.js';
import type { SaveOutcome, SaveTicket } from '../core/outcomes.js';
import type { ReplyTo } from '../core/save-jobs.js';
import type { Logger } from '../log.js';
import type { TweetInput } from '../tweets/tweet.js';

/**
 * Hands one save to core: the outcome to render now when the input decided it (no tweet, not yours, slow down), or
 * undefined when it was stored as a job, whose answer the adapter's notifier delivers to the ticket's `replyTo`.
 * Never throws: an unexpected error becomes `failed/internal` (logged here, never shown as a stack trace in chat).
 * Adapters pass a logger bound to the user.
 */
export async function acceptSave(start: () => Promise<SaveTicket>, log: Logger): Promise<SaveOutcome | undefined> {
  try {
    const ticket = await start();
    if (!ticket.outcome) {
      // Core logs `save.accepted` at info.
      log.debug('save accepted');
      return undefined;
    }
    log.info({ outcome: ticket.outcome.kind }, 'save answered at once');
    return ticket.outcome;
  } catch (err) {
    log.error({ err }, 'save failed unexpectedly');
    return { kind: 'failed', reason: 'internal' };
  }
}

/** `core.saveTweet` handed over (see {@link acceptSave}); `options` as `Core.saveTweet` takes them. */
export function acceptTweet(
  core: Core,
  user: ChatUser,
  input: TweetInput,
  log: Logger,
  replyTo: ReplyTo,
  options?: { table?: string | undefined; thread?: boolean | undefined },
): Promise<SaveOutcome | undefined> {
  return acceptSave(
    () =>
      core.saveTweet(user, input, {
        ...(options?.table ? { table: options.table } : {}),
        ...(options?.thread ? { thread: true } : {}),
        replyTo,
      }),
    log,
  );
}

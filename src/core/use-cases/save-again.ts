import type { ChatUser } from '../chat-user.js';
import type { SaveTicket } from '../outcomes.js';
import type { ReplyTo } from '../save-jobs.js';
import type { UseCaseContext } from './context.js';
import type { EnqueueSave } from './save-tweet.js';

/** `Core.saveAgain`: the tweet of one of the user's saved rows, once more, to the same table. */
export function createSaveAgain(ctx: UseCaseContext, enqueue: EnqueueSave) {
  return async function saveAgain(
    user: ChatUser,
    pageId: string,
    replyTo: ReplyTo = { kind: 'dm' },
  ): Promise<SaveTicket> {
    const record = await ctx.saveIndex.findByPage(user, pageId);
    if (!record) return { outcome: { kind: 'not_found' } };
    ctx.log.info({ event: 'save.again', platform: user.platform }, 'saving a tweet again');
    return enqueue(user, { tweet: record.tweet, dataSourceId: record.dataSourceId, force: true }, replyTo);
  };
}

import type { ChatUser } from '../chat-user.js';
import { DomainError, errorCode } from '../errors.js';
import type { UndoOutcome } from '../outcomes.js';
import { lostReply, type UseCaseContext } from './context.js';

/** `Core.undoSave`: moves the saver's own row to Notion's trash and forgets it. */
export function createUndoSave(ctx: UseCaseContext) {
  const { connections, notion, log, lost, withAccess } = ctx;
  return async function undoSave(user: ChatUser, pageId: string): Promise<UndoOutcome> {
    const record = await ctx.saveIndex.findByPage(user, pageId);
    if (!record) return { kind: 'not_found' };
    const conn = await connections.get(user);
    if (!conn) return { kind: 'not_connected', connectUrl: (await ctx.newConnectLink(user)).url };
    try {
      const ran = await lost.withLiveConnection(user, conn, (c) =>
        withAccess(user, c, async (token) => {
          const result = await notion.trashPage(token, record.pageId);
          // Notion's 404 means deleted or no longer shared alike; the row's table tells them apart.
          if (result === 'gone' && !(await notion.canReadTable(token, record.dataSourceId)))
            return 'unreachable' as const;
          return result;
        }),
      );
      if (ran.kind !== 'done') return await lostReply(ctx, ran, user);
      const { value } = ran.value;
      log.info({ event: 'save.undone', platform: user.platform, result: value }, 'undo answered');
      if (value === 'unreachable') {
        // The row may still be there: the save stays known, so the duplicate guard and Undo work once the table is shared again.
        return { kind: 'unreachable', table: record.table, connectUrl: (await ctx.newConnectLink(user)).url };
      }
      await ctx.saveIndex.forget(user, record);
      return value === 'trashed'
        ? { kind: 'removed', table: record.table, tweet: record.tweet }
        : { kind: 'already_deleted', table: record.table };
    } catch (err) {
      log.warn({ event: 'save.undo_failed', platform: user.platform, code: errorCode(err) }, 'undo failed');
      return { kind: 'failed', reason: DomainError.is(err) ? 'notion_unavailable' : 'internal' };
    }
  };
}

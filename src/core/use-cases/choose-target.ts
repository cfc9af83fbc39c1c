import type { ChatUser } from '../chat-user.js';
import { storeTarget } from '../connection-writes.js';
import type { ChooseTargetOutcome } from '../outcomes.js';
import { sameId, toSaveTarget, unusableStatus, usableChoices } from '../pick-target.js';
import { ready, withTables, type UseCaseContext } from './context.js';
import type { ReplayKeptSaves } from './replay-kept-saves.js';

/** `Core.chooseTarget`: makes a shared table the user's target, then replays the saves kept until one was ready. */
export function createChooseTarget(ctx: UseCaseContext, replay: ReplayKeptSaves) {
  const { notion, withAccess } = ctx;
  return function chooseTarget(user: ChatUser, dataSourceId: string): Promise<ChooseTargetOutcome> {
    return withTables(ctx, user, async (conn) => {
      const listed = await withAccess(user, conn, (token) => notion.listTables(token));
      ctx.recentTables.remember(user, listed.conn, listed.value);
      const table = listed.value.find((t) => sameId(t.dataSourceId, dataSourceId));
      if (!table) return { kind: 'unknown_table', tables: usableChoices(listed.value) };
      if (!table.mapping) return unusableStatus(table);
      const target = toSaveTarget({ ...table, mapping: table.mapping });
      await storeTarget(ctx.connections, user, listed.conn, target);
      ctx.log.info({ event: 'target.chosen', platform: user.platform }, 'table chosen');
      replay.inBackground(user);
      return ready(target);
    });
  };
}

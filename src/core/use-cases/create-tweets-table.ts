import type { ChatUser } from '../chat-user.js';
import { storeTarget } from '../connection-writes.js';
import type { SaveTarget } from '../connection.js';
import { createTableOnce } from '../create-table-once.js';
import type { ChooseTargetOutcome } from '../outcomes.js';
import { sameId, toSaveTarget } from '../pick-target.js';
import { ready, withTables, type UseCaseContext } from './context.js';
import type { ReplayKeptSaves } from './replay-kept-saves.js';

const created = (target: SaveTarget): ChooseTargetOutcome => ({
  kind: 'created',
  table: target.title,
  url: target.url,
  pageTitle: target.parentTitle,
});

/** `Core.createTweetsTable`: one Tweets table per page however often the offer is clicked, made the target. */
export function createCreateTweetsTable(ctx: UseCaseContext, replay: ReplayKeptSaves) {
  const { connections, notion, log, withAccess } = ctx;
  const tableOnce = createTableOnce(ctx);

  return function createTweetsTable(user: ChatUser, pageId: string): Promise<ChooseTargetOutcome> {
    const create = () =>
      withTables(ctx, user, async (conn) => {
        // An offer clicked again later (an old DM, another device) must not add a second table, as
        // long as the one made before is still there and can take tweets; else a new one is made.
        const before = conn.target;
        if (!conn.lostAccessAt && before && sameId(before.parentPageId, pageId)) {
          const listed = await withAccess(user, conn, (token) => notion.listTables(token));
          if (listed.value.some((t) => t.mapping && sameId(t.dataSourceId, before.dataSourceId)))
            return created(before);
          conn = listed.conn;
        }
        const made = await withAccess(user, conn, (token) => notion.createTweetsTable(token, pageId));
        const table = made.value;
        const target = toSaveTarget({ ...table, parentPageId: table.parentPageId ?? pageId, mapping: table.mapping! });
        await storeTarget(connections, user, made.conn, target);
        // The remembered tables lack the new one: the next status lists them again.
        ctx.recentTables.forget(user);
        log.info({ event: 'target.created', platform: user.platform }, 'Tweets table created');
        replay.inBackground(user);
        return created(target);
      });
    // Another click holds the page. When it made the table earlier, `create` answers with that
    // table if it is still there and usable, and makes a new one if not; else (still creating on
    // another instance, or failed) say where saves go now.
    const current = async () => {
      const target = (await connections.get(user))?.target;
      if (target && sameId(target.parentPageId, pageId)) return create();
      return withTables(ctx, user, async (conn) =>
        conn.target ? ready(conn.target) : (await ctx.discover(user, conn)).status,
      );
    };
    return tableOnce(user, pageId, create, current);
  };
}

import { setNewest } from './bounded-map.js';
import { chatUserKey, type ChatUser } from './chat-user.js';
import type { NotionConnection } from './connection.js';
import type { TableChoice } from './outcomes.js';
import { usableChoices } from './pick-target.js';
import type { TableCandidate } from './ports.js';

/** Users remembered at most; the oldest entry goes first. Each entry is a few table names. */
const MAX_USERS = 5_000;
/**
 * A listing younger than this is answered without looking again: opening the Home tab or running
 * /notion-connect right after connecting or picking costs Notion (3 requests a second per
 * connection) nothing. Older ones are answered too, and looked at again in the background.
 */
const FRESH_MS = 60_000;

/**
 * The usable shared tables as this process last listed them, per chat user and installation
 * (`botId`: a reconnect is another installation and starts empty). The status answers from here so
 * `/notion-connect` and the Home tab need not wait on Notion, and, when the listing is not fresh,
 * looks again in the background for the next time;
 * a pick from an outdated list is answered with the tables shared now (`chooseTarget`). Not
 * persisted: another instance, or this one after a restart, lists once before answering.
 */
export function createRecentTables(now: () => Date) {
  const byUser = new Map<string, { botId: string; tables: TableChoice[]; at: number }>();

  return {
    /** The remembered tables, and whether they were listed recently enough to need no new look. */
    get(user: ChatUser, conn: NotionConnection): { tables: TableChoice[]; fresh: boolean } | undefined {
      const entry = byUser.get(chatUserKey(user));
      if (!entry || entry.botId !== conn.botId) return undefined;
      return { tables: entry.tables, fresh: now().getTime() - entry.at < FRESH_MS };
    },
    /** Remembers a listing (all shared tables; only the usable ones are kept, labelled as pickers show them). */
    remember(user: ChatUser, conn: NotionConnection, tables: TableCandidate[]): TableChoice[] {
      const key = chatUserKey(user);
      const choices = usableChoices(tables);
      setNewest(byUser, key, { botId: conn.botId, tables: choices, at: now().getTime() }, MAX_USERS);
      return choices;
    },
    forget(user: ChatUser): void {
      byUser.delete(chatUserKey(user));
    },
  };
}

/** See {@link createRecentTables}. */
export type RecentTables = ReturnType<typeof createRecentTables>;

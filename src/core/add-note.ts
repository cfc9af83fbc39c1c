import type { Logger } from '../log.js';
import type { AccessLost } from './access-lost.js';
import type { ChatUser } from './chat-user.js';
import type { PropertyMapping } from './connection.js';
import { errorCode } from './errors.js';
import type { NoteOutcome } from './outcomes.js';
import { sameId } from './pick-target.js';
import type { ConnectionStore, NotionGateway, SaveIndex } from './ports.js';
import type { WithAccess } from './with-access.js';

export interface AddNoteDeps {
  connections: ConnectionStore;
  notion: NotionGateway;
  saveIndex: SaveIndex;
  withAccess: WithAccess;
  withLiveConnection: AccessLost['withLiveConnection'];
  newConnectLink(user: ChatUser): Promise<{ url: string }>;
  log: Logger;
}

/** Notion's limits on what the modal sends on: a note as rich text, tags as multi-select options. */
const NOTE_MAX = 20_000;
const TAGS_MAX = 50;

/** `ai, #reading  later` -> `['ai', 'reading', 'later']`: commas or spaces between, `#` optional. */
export function parseTagsField(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((t) => t.replace(/^#+/, '').trim())
    .filter((t) => t !== '')
    .slice(0, TAGS_MAX);
}

/**
 * "Add note" on a "Saved" reply: only the saver's own rows (the save index is per user), written with `pages.update`
 * to the row's Note and Tags columns where its table has them. The columns are read from the connection's target
 * when the row is in it, else from the shared tables now.
 */
export function createAddNote(deps: AddNoteDeps) {
  const { log } = deps;

  async function mappingOf(
    user: ChatUser,
    dataSourceId: string,
    conn: Parameters<WithAccess>[1],
  ): Promise<PropertyMapping | undefined> {
    if (conn.target && sameId(conn.target.dataSourceId, dataSourceId)) return conn.target.mapping;
    const { value: tables } = await deps.withAccess(user, conn, (token) => deps.notion.listTables(token));
    return tables.find((t) => sameId(t.dataSourceId, dataSourceId))?.mapping;
  }

  return {
    /** Whether `user` saved this row (the modal opens only then). A store lookup, no Notion call. */
    async canAddNote(user: ChatUser, pageId: string): Promise<boolean> {
      return (await deps.saveIndex.findByPage(user, pageId)) !== undefined;
    },

    async addNote(user: ChatUser, pageId: string, input: { note: string; tags: string }): Promise<NoteOutcome> {
      const record = await deps.saveIndex.findByPage(user, pageId);
      if (!record) return { kind: 'not_found' };
      const conn = await deps.connections.get(user);
      if (!conn) return { kind: 'not_connected', connectUrl: (await deps.newConnectLink(user)).url };
      const note = input.note.trim().slice(0, NOTE_MAX);
      const tags = parseTagsField(input.tags);
      try {
        const ran = await deps.withLiveConnection(user, conn, async (c) => {
          const mapping = await mappingOf(user, record.dataSourceId, c);
          if (!mapping || (!mapping.note && !mapping.tags)) return { kind: 'no_columns', table: record.table } as const;
          await deps.withAccess(user, c, (token) =>
            deps.notion.updateRow(token, record.pageId, mapping, { note, tags }),
          );
          return {
            kind: 'noted',
            table: record.table,
            pageUrl: record.pageUrl,
            pageId: record.pageId,
            tweet: record.tweet,
            note,
            tags,
            noteColumn: Boolean(mapping.note),
            tagsColumn: Boolean(mapping.tags),
          } as const;
        });
        if (ran.kind !== 'done') {
          const connectUrl = (await deps.newConnectLink(user)).url;
          return ran.kind === 'lost' ? { kind: 'reconnect', connectUrl } : { kind: 'not_connected', connectUrl };
        }
        log.info(
          { event: 'save.noted', platform: user.platform, outcome: ran.value.kind, tags: tags.length },
          'note answered',
        );
        return ran.value;
      } catch (err) {
        log.warn(
          {
            event: 'save.note_failed',
            platform: user.platform,
            code: errorCode(err),
          },
          'could not add the note',
        );
        return { kind: 'failed' };
      }
    },
  };
}

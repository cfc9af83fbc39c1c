import type { SaveTarget } from './connection.js';
import type { TableChoice, TargetStatus } from './outcomes.js';
import type { TableCandidate } from './ports.js';

type UsableTable = TableCandidate & { mapping: NonNullable<TableCandidate['mapping']> };

const isUsable = (t: TableCandidate): t is UsableTable => Boolean(t.mapping);

/** A usable table as a connection's target, its mapping cached. */
export function toSaveTarget(table: UsableTable): SaveTarget {
  return {
    dataSourceId: table.dataSourceId,
    databaseId: table.databaseId,
    title: table.title,
    url: table.url,
    ...(table.parentPageId ? { parentPageId: table.parentPageId } : {}),
    ...(table.parentTitle ? { parentTitle: table.parentTitle } : {}),
    mapping: table.mapping,
  };
}

const sameTitle = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The tables as a list shows them, so that none reads like another: a title other listed tables
 * share gets its page ("Tweets (Team wiki)"); what still reads alike (no readable page, or pages of
 * the same name) is numbered in listing order ("Tweets (2)").
 */
function toChoices(tables: TableCandidate[]): TableChoice[] {
  const named = tables.map((t) => {
    const title = t.title.trim() || 'Untitled';
    const shared = tables.some((other) => other !== t && sameTitle(other.title, t.title));
    return { id: t.dataSourceId, title: shared && t.parentTitle ? `${title} (${t.parentTitle})` : title };
  });
  return named.map((choice, i) => {
    const earlier = named.slice(0, i).filter((c) => sameTitle(c.title, choice.title)).length;
    return earlier === 0 ? choice : { ...choice, title: `${choice.title} (${earlier + 1})` };
  });
}

/** The tables a picker offers: only those that can take a tweet. */
export function usableChoices(tables: TableCandidate[]): TableChoice[] {
  return toChoices(tables.filter(isUsable));
}

/** Every shared table, usable or not: what an unknown table name is answered with. */
export function allChoices(tables: TableCandidate[]): TableChoice[] {
  return toChoices(tables);
}

/** The column help for a table that cannot take a tweet. */
export function unusableStatus(table: TableCandidate): Extract<TargetStatus, { kind: 'unusable' }> {
  // Notion tables always have a title column, so a table without a mapping lacks the text one.
  return { kind: 'unusable', table: table.title, missing: table.missing ?? { name: 'Tweet', type: 'Text' } };
}

/** Notion ids compare equal with or without dashes. */
export function sameId(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  return notionIdKey(a) === notionIdKey(b);
}

/** A Notion id as one string however it was written (with or without dashes, any case). */
export function notionIdKey(id: string): string {
  return id.replace(/-/g, '').toLowerCase();
}

export interface PickPreferences {
  /** The table the user chose before. */
  preferredId?: string | undefined;
  /**
   * Stay with the preferred table even when it can no longer take a tweet: its column help is the
   * answer, rather than a silent switch to another table (after a save into it failed).
   */
  keepPreferred?: boolean | undefined;
  /** The page Notion duplicated from the integration's template during consent. */
  templatePageId?: string | null | undefined;
}

/**
 * Chooses where tweets go: the table the user picked before (if still usable), else the table
 * inside the duplicated template, else the only usable shared one; otherwise says why no
 * choice can be made (`none_shared` and `unusable` may be given pages to create a table in by the caller).
 */
export function pickTarget(
  tables: TableCandidate[],
  prefs: PickPreferences = {},
): { target?: SaveTarget; status: TargetStatus } {
  const preferred = tables.find((t) => sameId(t.dataSourceId, prefs.preferredId));
  if (prefs.keepPreferred && preferred && !isUsable(preferred)) return { status: unusableStatus(preferred) };
  const usable = tables.filter(isUsable);
  const template = prefs.templatePageId ?? undefined;
  const chosen =
    (preferred && isUsable(preferred) ? preferred : undefined) ??
    usable.find((t) => sameId(t.parentPageId, template) || sameId(t.databaseId, template)) ??
    (usable.length === 1 ? usable[0] : undefined);
  if (chosen) {
    const target = toSaveTarget(chosen);
    return { target, status: { kind: 'ready', table: target.title, url: target.url } };
  }
  if (usable.length > 1) return { status: { kind: 'choose', tables: usableChoices(tables) } };
  const unusable = tables.find((t) => !isUsable(t));
  if (unusable) return { status: unusableStatus(unusable) };
  return { status: { kind: 'none_shared' } };
}

/**
 * `/save-tweet <link> to <name>`: the shared table called `name` (case-insensitive), else the one whose
 * name starts with it, preferring a table that can take a tweet. Tables that cannot are matched too,
 * so the user hears which column they lack rather than that no such table exists.
 */
export function findTableByName(tables: TableCandidate[], name: string): TableCandidate | undefined {
  const wanted = name.trim().toLowerCase();
  const title = (t: TableCandidate) => t.title.toLowerCase();
  const prefixed = tables.filter((t) => title(t).startsWith(wanted));
  return tables.find((t) => title(t) === wanted) ?? prefixed.find(isUsable) ?? prefixed[0];
}

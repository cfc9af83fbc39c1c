import type { SaveTarget } from './connection.js';
import type { TableChoice, TargetStatus } from './outcomes.js';
import type { TableCandidate } from './ports.js';

type UsableTable = TableCandidate & { mapping: NonNullable<TableCandidate['mapping']> };

export function toSaveTarget(table: UsableTable): SaveTarget {
  return { dataSourceId: table.dataSourceId, databaseId: table.databaseId, title: table.title, url: table.url, mapping: table.mapping };
}

export function usableChoices(tables: TableCandidate[]): TableChoice[] {
  return tables.filter((t) => t.mapping).map((t) => ({ id: t.dataSourceId, title: t.title }));
}

/** Notion ids compare equal with or without dashes. */
export function sameId(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  return a.replace(/-/g, '').toLowerCase() === b.replace(/-/g, '').toLowerCase();
}

export interface PickPreferences {
  /** The table the user chose before. */
  preferredId?: string | undefined;
  /** The page Notion duplicated from the integration's template during consent. */
  templatePageId?: string | null | undefined;
}

/**
 * Chooses where tweets go: the table the user picked before (if still usable), else the table
 * inside the duplicated template, else the only usable shared one; otherwise says why no
 * choice can be made (`none_shared` may be refined into a create offer by the caller).
 */
export function pickTarget(tables: TableCandidate[], prefs: PickPreferences = {}): { target?: SaveTarget; status: TargetStatus } {
  const usable = tables.filter((t): t is UsableTable => Boolean(t.mapping));
  const chosen =
    usable.find((t) => sameId(t.dataSourceId, prefs.preferredId)) ??
    usable.find((t) => sameId(t.parentPageId, prefs.templatePageId ?? undefined) || sameId(t.databaseId, prefs.templatePageId ?? undefined)) ??
    (usable.length === 1 ? usable[0] : undefined);
  if (chosen) {
    const target = toSaveTarget(chosen);
    return { target, status: { kind: 'ready', table: target.title, url: target.url } };
  }
  if (usable.length > 1) return { status: { kind: 'choose', tables: usableChoices(tables) } };
  const unusable = tables.find((t) => t.missing);
  if (unusable?.missing) return { status: { kind: 'unusable', table: unusable.title, missing: unusable.missing } };
  return { status: { kind: 'none_shared' } };
}

/** `/save-tweet <link> to <name>`: the shared table whose name starts with `name` (case-insensitive), exact first. */
export function findTableByName(tables: TableCandidate[], name: string): UsableTable | undefined {
  const wanted = name.trim().toLowerCase();
  const usable = tables.filter((t): t is UsableTable => Boolean(t.mapping));
  return usable.find((t) => t.title.toLowerCase() === wanted) ?? usable.find((t) => t.title.toLowerCase().startsWith(wanted));
}

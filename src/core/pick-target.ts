import type { SaveTarget } from './connection.js';
import type { TableChoice, TargetStatus } from './outcomes.js';
import type { TableCandidate } from './ports.js';

export function toSaveTarget(table: TableCandidate & { mapping: NonNullable<TableCandidate['mapping']> }): SaveTarget {
  return { dataSourceId: table.dataSourceId, databaseId: table.databaseId, title: table.title, url: table.url, mapping: table.mapping };
}

export function usableChoices(tables: TableCandidate[]): TableChoice[] {
  return tables.filter((t) => t.mapping).map((t) => ({ id: t.dataSourceId, title: t.title }));
}

/**
 * Chooses where tweets go: the table the user picked before (if still usable), else the
 * only usable shared one; otherwise says why no choice can be made.
 */
export function pickTarget(tables: TableCandidate[], preferredId?: string): { target?: SaveTarget; status: TargetStatus } {
  const usable = tables.filter((t): t is TableCandidate & { mapping: NonNullable<TableCandidate['mapping']> } => Boolean(t.mapping));
  const preferred = preferredId ? usable.find((t) => sameId(t.dataSourceId, preferredId)) : undefined;
  const chosen = preferred ?? (usable.length === 1 ? usable[0] : undefined);
  if (chosen) {
    const target = toSaveTarget(chosen);
    return { target, status: { kind: 'ready', table: target.title, url: target.url } };
  }
  if (usable.length > 1) return { status: { kind: 'choose', tables: usableChoices(tables) } };
  const unusable = tables.find((t) => t.missing);
  if (unusable?.missing) return { status: { kind: 'unusable', table: unusable.title, missing: unusable.missing } };
  return { status: { kind: 'none_shared' } };
}

/** Notion ids compare equal with or without dashes. */
export function sameId(a: string, b: string): boolean {
  return a.replace(/-/g, '').toLowerCase() === b.replace(/-/g, '').toLowerCase();
}

import type { Exchange, SandboxContext } from './context.js';
import { invalidPathId, objectNotFound, validationError } from './errors.js';
import type { Bot } from './grants.js';
import { normalizeId } from './ids.js';
import type { ApiVersion } from './page-objects.js';
import type { DatabaseRecord, DataSourceRecord, PageRecord } from './state.js';

/** An authenticated API call, ready for a route handler. */
export interface ApiCall {
  ex: Exchange;
  bot: Bot;
  version: ApiVersion;
  body: Record<string, unknown>;
  /** Path parameters captured by the route pattern. */
  params: string[];
}

/** A route handler returns the response body; the dispatcher adds `request_id` and sends it with 200. */
export type ApiHandler = (
  ctx: SandboxContext,
  call: ApiCall,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** Parses a path or body id, answering Notion's validation error for non-UUIDs. */
export function requireId(raw: unknown, param: string): string {
  const id = normalizeId(raw);
  if (!id) throw invalidPathId(param, String(raw));
  return id;
}

/** A data source the installation can see, else 404 (unknown and unshared look the same). */
export function visibleDataSource(
  ctx: SandboxContext,
  bot: Bot,
  raw: unknown,
  param = 'data_source_id',
): DataSourceRecord {
  const id = requireId(raw, param);
  const ds = ctx.content.dataSources.get(id);
  if (!ds || !ctx.grants.canSee(bot, id)) throw objectNotFound('data_source', id);
  return ds;
}

/** A database the installation can see, else 404. */
export function visibleDatabase(ctx: SandboxContext, bot: Bot, raw: unknown, param = 'database_id'): DatabaseRecord {
  const id = requireId(raw, param);
  const db = ctx.content.databases.get(id);
  if (!db || !ctx.grants.canSee(bot, id)) throw objectNotFound('database', id);
  return db;
}

/** A page the installation can see, else 404. */
export function visiblePage(ctx: SandboxContext, bot: Bot, raw: unknown, param = 'page_id'): PageRecord {
  const id = requireId(raw, param);
  const page = ctx.content.pages.get(id);
  if (!page || !ctx.grants.canSee(bot, id)) throw objectNotFound('page', id);
  return page;
}

/** Whether the object or anything above it is in the trash. */
export function inTrash(ctx: SandboxContext, id: string): boolean {
  for (let cur: string | null = id, depth = 0; cur && depth < 100; cur = ctx.content.parentOf(cur), depth++) {
    if (ctx.content.pages.get(cur)?.inTrash || ctx.content.databases.get(cur)?.inTrash) return true;
  }
  return false;
}

/** The real API's refusal to edit anything archived. */
export function archivedError(): Error {
  return validationError("Can't edit block that is archived. You must unarchive the block before editing.");
}

/** User ids a people property may hold in this workspace: its owner and the integrations' bots. */
export function knownUsers(ctx: SandboxContext, workspaceId: string): Set<string> {
  const ids = new Set<string>();
  const ws = ctx.content.workspaces.get(workspaceId);
  if (ws) ids.add(ws.owner.id);
  for (const bot of ctx.grants.bots.values()) if (bot.workspaceId === workspaceId) ids.add(bot.id);
  return ids;
}

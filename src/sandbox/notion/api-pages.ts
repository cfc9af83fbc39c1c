import {
  archivedError,
  inTrash,
  knownUsers,
  requireId,
  visibleDatabase,
  visibleDataSource,
  visiblePage,
  type ApiHandler,
} from './api-call.js';
import { normalizeChildren } from './blocks.js';
import type { SandboxContext } from './context.js';
import { bodyValidationError, objectNotFound, tooLong, validationError } from './errors.js';
import type { Bot } from './grants.js';
import { isRecord } from './http-io.js';
import { renderPage } from './page-objects.js';
import type { PropertySchema } from './property-schema.js';
import { MAX_URL } from './rich-text.js';
import { iso, type PageParent } from './state.js';
import { validatePropertyValues } from './validate-properties.js';

/** Free-standing pages have a single title property named `title`. */
const PAGE_SCHEMA: readonly PropertySchema[] = [{ id: 'title', name: 'title', type: 'title', config: {} }];

function resolveParent(
  ctx: SandboxContext,
  bot: Bot,
  parent: unknown,
): { parent: PageParent; schema: readonly PropertySchema[] } {
  if (!isRecord(parent)) throw bodyValidationError('body.parent', 'should be an object');
  const kind =
    typeof parent.type === 'string'
      ? parent.type
      : ['data_source_id', 'database_id', 'page_id', 'workspace'].find((k) => k in parent);
  if (kind === 'data_source_id') {
    const ds = visibleDataSource(ctx, bot, parent.data_source_id, 'parent.data_source_id');
    return {
      parent: { type: 'data_source_id', dataSourceId: ds.id, databaseId: ds.databaseId },
      schema: ds.properties,
    };
  }
  if (kind === 'database_id') {
    const db = visibleDatabase(ctx, bot, parent.database_id, 'parent.database_id');
    if (db.dataSourceIds.length !== 1) {
      throw validationError(
        `Database with ID ${db.id} has multiple data sources. Use a data_source_id parent instead.`,
      );
    }
    const ds = ctx.content.dataSource(db.dataSourceIds[0]!);
    return { parent: { type: 'data_source_id', dataSourceId: ds.id, databaseId: db.id }, schema: ds.properties };
  }
  if (kind === 'page_id') {
    const page = visiblePage(ctx, bot, parent.page_id, 'parent.page_id');
    return { parent: { type: 'page_id', pageId: page.id }, schema: PAGE_SCHEMA };
  }
  if (kind === 'workspace')
    throw validationError(
      'Public integrations cannot create pages at the top level of a workspace. Use a page_id parent.',
    );
  throw bodyValidationError('body.parent', 'should define `data_source_id`, `database_id` or `page_id`');
}

function urlObject(value: unknown, path: string): unknown {
  if (!isRecord(value) || typeof value.url !== 'string') throw bodyValidationError(`${path}.url`, 'should be a string');
  if (value.url.length > MAX_URL) throw tooLong(`${path}.url`, MAX_URL, value.url.length);
  return { url: value.url };
}

/** Accepts `null`, an emoji icon or an external file, the forms a bot can send without uploading. */
function iconOrCover(value: unknown, path: string, allowEmoji: boolean): unknown {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) throw bodyValidationError(path, 'should be an object or `null`');
  if (allowEmoji && typeof value.emoji === 'string') return { type: 'emoji', emoji: value.emoji };
  if ('external' in value) return { type: 'external', external: urlObject(value.external, `${path}.external`) };
  throw bodyValidationError(path, allowEmoji ? 'should define `emoji` or `external`' : 'should define `external`');
}

/** POST /v1/pages */
export const createPage: ApiHandler = (ctx, { bot, body, version }) => {
  const { parent, schema } = resolveParent(ctx, bot, body.parent);
  const parentId =
    parent.type === 'data_source_id' ? parent.dataSourceId : parent.type === 'page_id' ? parent.pageId : null;
  if (parentId && inTrash(ctx, parentId)) throw archivedError();
  const values = validatePropertyValues(body.properties, schema, { knownUserIds: knownUsers(ctx, bot.workspaceId) });
  if (body.markdown !== undefined && body.children !== undefined)
    throw validationError('`markdown` and `children` cannot be used together.');
  if (body.markdown !== undefined && typeof body.markdown !== 'string')
    throw bodyValidationError('body.markdown', 'should be a string');
  const icon = iconOrCover(body.icon, 'body.icon', true);
  const cover = iconOrCover(body.cover, 'body.cover', false);
  const time = iso(ctx.content.now());
  // Block ids need the page id, which the store assigns; validate first, then re-parent.
  const children = normalizeChildren(body.children, 'pending', 'body.children', time);
  const page = ctx.content.addPage({
    workspaceId: bot.workspaceId,
    parent,
    values,
    createdBy: bot.id,
    icon,
    cover,
    children,
  });
  for (const child of children) child.parent = { type: 'page_id', page_id: page.id };
  if (typeof body.markdown === 'string')
    page.children.push({ object: 'block', type: 'markdown', markdown: body.markdown });
  return renderPage(ctx.content, page, version);
};

/** GET /v1/pages/:id (trashed pages are still returned, with in_trash: true). */
export const retrievePage: ApiHandler = (ctx, { bot, params, version }) =>
  renderPage(ctx.content, visiblePage(ctx, bot, params[0]), version);

function trashFlag(body: Record<string, unknown>): boolean | undefined {
  for (const key of ['in_trash', 'archived'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'boolean')
      throw bodyValidationError(`body.${key}`, `should be a boolean, instead was \`${JSON.stringify(body[key])}\``);
  }
  const a = body.in_trash as boolean | undefined;
  const b = body.archived as boolean | undefined;
  if (a !== undefined && b !== undefined && a !== b) throw validationError('in_trash and archived must not disagree.');
  return a ?? b;
}

/** PATCH /v1/pages/:id: trash / restore, and property, icon and cover updates. */
export const updatePage: ApiHandler = (ctx, { bot, params, body, version }) => {
  const page = visiblePage(ctx, bot, params[0]);
  const trash = trashFlag(body);
  const edits = body.properties !== undefined || body.icon !== undefined || body.cover !== undefined;
  const parentId = ctx.content.parentOf(page.id);
  // Restoring in the same request lifts the block; otherwise edits to trashed content are refused.
  if (edits && ((page.inTrash && trash !== false) || (parentId && inTrash(ctx, parentId)))) throw archivedError();
  let values = new Map<string, unknown>();
  if (body.properties !== undefined) {
    const schema =
      page.parent.type === 'data_source_id' ? ctx.content.dataSource(page.parent.dataSourceId).properties : PAGE_SCHEMA;
    values = validatePropertyValues(body.properties, schema, { knownUserIds: knownUsers(ctx, bot.workspaceId) });
  }
  const icon = body.icon === undefined ? page.icon : iconOrCover(body.icon, 'body.icon', true);
  const cover = body.cover === undefined ? page.cover : iconOrCover(body.cover, 'body.cover', false);
  for (const [id, v] of values) page.values.set(id, v);
  page.icon = icon;
  page.cover = cover;
  if (trash !== undefined) page.inTrash = trash;
  page.lastEditedTime = ctx.content.touch(page.id);
  page.lastEditedBy = bot.id;
  return renderPage(ctx.content, page, version);
};

/** PATCH /v1/blocks/:id/children, for page ids (the only blocks the sandbox keeps). */
export const appendChildren: ApiHandler = (ctx, { bot, params, body }) => {
  const id = requireId(params[0], 'block_id');
  const page = ctx.content.pages.get(id);
  if (!page || !ctx.grants.canSee(bot, id)) throw objectNotFound('block', id);
  if (inTrash(ctx, id)) throw archivedError();
  if (body.children === undefined) throw bodyValidationError('body.children', 'should be defined');
  const children = normalizeChildren(body.children, page.id, 'body.children', iso(ctx.content.now()));
  page.children.push(...children);
  page.lastEditedTime = ctx.content.touch(page.id);
  return { object: 'list', results: children, next_cursor: null, has_more: false, type: 'block', block: {} };
};

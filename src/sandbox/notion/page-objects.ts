import { notionUrl } from './ids.js';
import type { PropertySchema } from './property-schema.js';
import { iso, type ContentStore, type DatabaseRecord, type DataSourceRecord, type PageRecord } from './state.js';

/** API version of the request: 2026-03-11 dropped the deprecated `archived` field from responses. */
export type ApiVersion = '2025-09-03' | '2026-03-11';

function trashFields(inTrash: boolean, version: ApiVersion): Record<string, boolean> {
  return version === '2025-09-03' ? { in_trash: inTrash, archived: inTrash } : { in_trash: inTrash };
}

/** A property value object `{id, type, [type]: value}` as pages carry it. */
export function propertyValue(store: ContentStore, page: PageRecord, prop: PropertySchema): Record<string, unknown> {
  const value: Record<string, unknown> = { id: prop.id, type: prop.type, [prop.type]: store.valueOf(page, prop) };
  if (prop.type === 'relation') value.has_more = false;
  return value;
}

/** The `properties` object of a page, keyed by current property names. */
export function pageProperties(store: ContentStore, page: PageRecord): Record<string, unknown> {
  if (page.parent.type !== 'data_source_id') {
    return { title: { id: 'title', type: 'title', title: page.values.get('title') ?? [] } };
  }
  const ds = store.dataSources.get(page.parent.dataSourceId);
  const props: Record<string, unknown> = {};
  for (const prop of ds?.properties ?? []) props[prop.name] = propertyValue(store, page, prop);
  return props;
}

function pageParent(page: PageRecord): Record<string, unknown> {
  switch (page.parent.type) {
    case 'data_source_id':
      return { type: 'data_source_id', data_source_id: page.parent.dataSourceId, database_id: page.parent.databaseId };
    case 'page_id':
      return { type: 'page_id', page_id: page.parent.pageId };
    default:
      return { type: 'workspace', workspace: true };
  }
}

/** A full page object. */
export function renderPage(store: ContentStore, page: PageRecord, version: ApiVersion): Record<string, unknown> {
  return {
    object: 'page',
    id: page.id,
    created_time: iso(page.createdTime),
    last_edited_time: iso(page.lastEditedTime),
    created_by: { object: 'user', id: page.createdBy },
    last_edited_by: { object: 'user', id: page.lastEditedBy },
    cover: page.cover,
    icon: page.icon,
    parent: pageParent(page),
    ...trashFields(page.inTrash, version),
    is_locked: false,
    properties: pageProperties(store, page),
    url: notionUrl(page.id),
    public_url: null,
  };
}

/** A data source's schema: `{name: {id, name, description, type, [type]: config}}`. */
export function schemaObject(properties: readonly PropertySchema[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of properties)
    out[p.name] = { id: p.id, name: p.name, description: null, type: p.type, [p.type]: p.config };
  return out;
}

function databaseParent(db: DatabaseRecord): Record<string, unknown> {
  return db.parent.type === 'page_id'
    ? { type: 'page_id', page_id: db.parent.page_id }
    : { type: 'workspace', workspace: true };
}

/** A full data source object, as retrieve and search return it. */
export function renderDataSource(
  store: ContentStore,
  ds: DataSourceRecord,
  version: ApiVersion,
): Record<string, unknown> {
  const db = store.databases.get(ds.databaseId);
  if (!db) throw new Error(`data source ${ds.id} lost its database`);
  const owner = store.workspaces.get(ds.workspaceId)?.owner.id;
  return {
    object: 'data_source',
    id: ds.id,
    cover: null,
    icon: null,
    created_time: iso(ds.createdTime),
    created_by: { object: 'user', id: owner },
    last_edited_by: { object: 'user', id: owner },
    last_edited_time: iso(ds.lastEditedTime),
    title: ds.title,
    description: [],
    is_inline: db.isInline,
    properties: schemaObject(ds.properties),
    parent: { type: 'database_id', database_id: db.id },
    database_parent: databaseParent(db),
    url: notionUrl(ds.id),
    public_url: null,
    ...trashFields(db.inTrash, version),
  };
}

/** A full database object: a container listing its data sources, without a schema. */
export function renderDatabase(store: ContentStore, db: DatabaseRecord, version: ApiVersion): Record<string, unknown> {
  return {
    object: 'database',
    id: db.id,
    title: db.title,
    description: [],
    parent: databaseParent(db),
    is_inline: db.isInline,
    ...trashFields(db.inTrash, version),
    is_locked: false,
    created_time: iso(db.createdTime),
    last_edited_time: iso(db.lastEditedTime),
    data_sources: db.dataSourceIds.map((id) => ({
      id,
      name:
        store.dataSources
          .get(id)
          ?.title.map((t) => t.plain_text)
          .join('') ?? '',
    })),
    icon: null,
    cover: null,
    url: notionUrl(db.id),
    public_url: null,
  };
}

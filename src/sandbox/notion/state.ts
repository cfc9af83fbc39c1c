import { newId, normalizeId } from './ids.js';
import { emptyValue, newProperty, PROPERTY_TYPES, type PropertySchema } from './property-schema.js';
import { plainRichText, plainText, type RichTextResponse } from './rich-text.js';

/** A Notion workspace and the person who installs integrations into it. */
export interface Workspace {
  id: string;
  name: string;
  icon: string | null;
  owner: { id: string; name: string; email: string };
}

/** Where a database lives: under a page, or at the top of the workspace. */
export type DatabaseParent = { type: 'page_id'; page_id: string } | { type: 'workspace'; workspace: true };

/** A database: a container of data sources; sharing is decided at this level. */
export interface DatabaseRecord {
  id: string;
  workspaceId: string;
  title: RichTextResponse[];
  parent: DatabaseParent;
  dataSourceIds: string[];
  isInline: boolean;
  inTrash: boolean;
  createdTime: number;
  lastEditedTime: number;
}

/** A data source: one schema and its rows. */
export interface DataSourceRecord {
  id: string;
  databaseId: string;
  workspaceId: string;
  title: RichTextResponse[];
  properties: PropertySchema[];
  createdTime: number;
  lastEditedTime: number;
  /** Next value of unique_id properties. */
  nextNumber: number;
}

/** Where a page lives. */
export type PageParent =
  | { type: 'data_source_id'; dataSourceId: string; databaseId: string }
  | { type: 'page_id'; pageId: string }
  | { type: 'workspace' };

/** A page: a row of a data source, or a free-standing page. */
export interface PageRecord {
  id: string;
  workspaceId: string;
  parent: PageParent;
  /** Property values keyed by property id, in response shape without `id`/`type`; free pages use `title`. */
  values: Map<string, unknown>;
  number: number;
  inTrash: boolean;
  createdTime: number;
  lastEditedTime: number;
  createdBy: string;
  lastEditedBy: string;
  icon: unknown;
  cover: unknown;
  children: unknown[];
}

/** The workspaces, databases, data sources and pages of the sandbox, plus the clock. */
export class ContentStore {
  readonly workspaces = new Map<string, Workspace>();
  readonly databases = new Map<string, DatabaseRecord>();
  /** Tables the consent page offers unticked: shared only when the visitor ticks them. */
  readonly untickedOnConsent = new Set<string>();
  readonly dataSources = new Map<string, DataSourceRecord>();
  readonly pages = new Map<string, PageRecord>();
  /** Monotonic edit counter: Notion's timestamps are per minute, so order needs a tie-breaker. */
  private seq = 0;
  readonly editOrder = new Map<string, number>();

  constructor(readonly now: () => number) {}

  touch(id: string): number {
    this.editOrder.set(id, ++this.seq);
    return this.now();
  }

  workspace(id: string): Workspace {
    const ws = this.workspaces.get(normalizeId(id) ?? id);
    if (!ws) throw new Error(`unknown workspace ${id}`);
    return ws;
  }

  addWorkspace(input: {
    name: string;
    icon?: string | null;
    id?: string;
    owner?: { name: string; email: string };
  }): Workspace {
    const id = input.id === undefined ? newId() : normalizeId(input.id);
    if (!id) throw new Error(`workspace id is not a UUID: ${input.id}`);
    if (this.workspaces.has(id)) throw new Error(`workspace ${id} already exists`);
    const owner = {
      id: newId(),
      name: input.owner?.name ?? 'Sandbox User',
      email: input.owner?.email ?? 'user@example.com',
    };
    const ws: Workspace = { id, name: input.name, icon: input.icon ?? null, owner };
    this.workspaces.set(id, ws);
    return ws;
  }

  /** Creates a database with one data source. Throws unless there is exactly one title property. */
  addTable(
    workspaceId: string,
    input: {
      title: RichTextResponse[];
      properties: PropertySchema[];
      parent: DatabaseParent;
      id?: string;
      dataSourceId?: string;
      isInline?: boolean;
    },
  ): { database: DatabaseRecord; dataSource: DataSourceRecord } {
    const ws = this.workspace(workspaceId);
    const titles = input.properties.filter((p) => p.type === 'title').length;
    if (titles !== 1) throw new Error(`a data source needs exactly one title property, got ${titles}`);
    const names = new Set(input.properties.map((p) => p.name));
    if (names.size !== input.properties.length) throw new Error('property names must be unique');
    const databaseId = this.freshId(input.id);
    const dataSourceId = this.freshId(input.dataSourceId);
    const time = this.touch(databaseId);
    this.touch(dataSourceId);
    const database: DatabaseRecord = {
      id: databaseId,
      workspaceId: ws.id,
      title: input.title,
      parent: input.parent,
      dataSourceIds: [dataSourceId],
      isInline: input.isInline ?? false,
      inTrash: false,
      createdTime: time,
      lastEditedTime: time,
    };
    const dataSource: DataSourceRecord = {
      id: dataSourceId,
      databaseId,
      workspaceId: ws.id,
      title: input.title,
      properties: input.properties,
      createdTime: time,
      lastEditedTime: time,
      nextNumber: 1,
    };
    this.databases.set(databaseId, database);
    this.dataSources.set(dataSourceId, dataSource);
    return { database, dataSource };
  }

  /** Schema from the `name -> type` map the test helpers use. */
  schemaFromTypes(properties: Record<string, string>): PropertySchema[] {
    const taken = new Set<string>();
    return Object.entries(properties).map(([name, type]) => {
      if (!PROPERTY_TYPES.has(type)) throw new Error(`unknown Notion property type: ${type}`);
      const p = newProperty(name, type, taken);
      taken.add(p.id);
      return p;
    });
  }

  /** A page under a data source, another page or the workspace. */
  addPage(input: {
    workspaceId: string;
    parent: PageParent;
    values: Map<string, unknown>;
    createdBy: string;
    icon?: unknown;
    cover?: unknown;
    children?: unknown[];
  }): PageRecord {
    const id = newId();
    const time = this.touch(id);
    let number = 0;
    if (input.parent.type === 'data_source_id') {
      const ds = this.dataSources.get(input.parent.dataSourceId);
      if (ds) number = ds.nextNumber++;
    }
    const page: PageRecord = {
      id,
      workspaceId: input.workspaceId,
      parent: input.parent,
      values: input.values,
      number,
      inTrash: false,
      createdTime: time,
      lastEditedTime: time,
      createdBy: input.createdBy,
      lastEditedBy: input.createdBy,
      icon: input.icon ?? null,
      cover: input.cover ?? null,
      children: input.children ?? [],
    };
    this.pages.set(id, page);
    return page;
  }

  /** A free-standing page with a plain title, made by the workspace owner. */
  addPlainPage(workspaceId: string, title: string, parentPageId?: string): PageRecord {
    const ws = this.workspace(workspaceId);
    const parent: PageParent = parentPageId ? { type: 'page_id', pageId: parentPageId } : { type: 'workspace' };
    return this.addPage({
      workspaceId: ws.id,
      parent,
      values: new Map([['title', plainRichText(title)]]),
      createdBy: ws.owner.id,
    });
  }

  dataSource(id: string): DataSourceRecord {
    const ds = this.dataSources.get(normalizeId(id) ?? id);
    if (!ds) throw new Error(`unknown data source ${id}`);
    return ds;
  }

  /** The id of the object this one inherits sharing from, or null at the top of the workspace. */
  parentOf(id: string): string | null {
    const ds = this.dataSources.get(id);
    if (ds) return ds.databaseId;
    const db = this.databases.get(id);
    if (db) return db.parent.type === 'page_id' ? db.parent.page_id : null;
    const page = this.pages.get(id);
    if (!page) return null;
    if (page.parent.type === 'data_source_id') return page.parent.dataSourceId;
    return page.parent.type === 'page_id' ? page.parent.pageId : null;
  }

  /** The page a database or page sits in, if any: the page's id and plain title. */
  parentPage(id: string): { id: string; title: string } | undefined {
    const db = this.databases.get(id);
    const page = db ? undefined : this.pages.get(id);
    const parentId =
      db?.parent.type === 'page_id'
        ? db.parent.page_id
        : page?.parent.type === 'page_id'
          ? page.parent.pageId
          : undefined;
    const parent = parentId === undefined ? undefined : this.pages.get(parentId);
    return parent ? { id: parent.id, title: this.pageTitle(parent) } : undefined;
  }

  /** The workspace an object belongs to, if it exists. */
  workspaceOf(id: string): string | null {
    return (
      this.databases.get(id)?.workspaceId ??
      this.dataSources.get(id)?.workspaceId ??
      this.pages.get(id)?.workspaceId ??
      null
    );
  }

  /** A page's title as plain text (title property for rows). */
  pageTitle(page: PageRecord): string {
    if (page.parent.type !== 'data_source_id') return plainText(page.values.get('title'));
    const ds = this.dataSources.get(page.parent.dataSourceId);
    const titleProp = ds?.properties.find((p) => p.type === 'title');
    return titleProp ? plainText(page.values.get(titleProp.id)) : '';
  }

  /** A page's value for a schema property in response shape, computing the read-only ones. */
  valueOf(page: PageRecord, prop: PropertySchema): unknown {
    switch (prop.type) {
      case 'created_time':
        return iso(page.createdTime);
      case 'last_edited_time':
        return iso(page.lastEditedTime);
      case 'created_by':
        return { object: 'user', id: page.createdBy };
      case 'last_edited_by':
        return { object: 'user', id: page.lastEditedBy };
      case 'unique_id':
        return { prefix: prop.config.prefix ?? null, number: page.number };
      default:
        return page.values.has(prop.id) ? page.values.get(prop.id) : emptyValue(prop.type);
    }
  }

  private freshId(wanted?: string): string {
    if (wanted === undefined) return newId();
    const id = normalizeId(wanted);
    if (!id) throw new Error(`id is not a UUID: ${wanted}`);
    if (this.workspaceOf(id)) throw new Error(`id ${id} is already taken`);
    return id;
  }
}

/** Notion reports timestamps rounded down to the minute. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 60_000) * 60_000).toISOString();
}

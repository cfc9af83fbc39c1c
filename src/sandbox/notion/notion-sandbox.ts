import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi } from './api-routes.js';
import type { Exchange, RequestLogEntry, SandboxContext } from './context.js';
import { NotionApiError } from './errors.js';
import { GrantStore, type IntegrationTemplate } from './grants.js';
import { sendJson } from './http-io.js';
import { normalizeId, notionUrl } from './ids.js';
import { exchangeToken, introspectToken, revokeToken, showConsent, submitConsent } from './oauth-routes.js';
import { pageProperties } from './page-objects.js';
import { newProperty } from './property-schema.js';
import { ConnectionRateLimiter, type RateLimitOptions } from './rate-limit.js';
import { plainRichText, plainText } from './rich-text.js';
import { ContentStore, iso } from './state.js';
export type { IntegrationTemplate };

/** Options for {@link startNotionSandbox}. */
export interface NotionSandboxOptions {
  /** Public integrations that may run the OAuth flow. `name` is shown on the consent page. */
  clients: {
    clientId: string;
    clientSecret: string;
    redirectUris: string[];
    name?: string;
    template?: IntegrationTemplate;
  }[];
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Clock in ms, for tests that need codes to expire. Default Date.now. */
  now?: () => number;
  /**
   * Milliseconds added before answering each API call and token-endpoint request (never the consent page),
   * like the network and Notion's own time. Default 0.
   */
  latencyMs?: number;
  /**
   * Notion's rate limit per connection: beyond it, API calls answer 429 `rate_limited` with an integer
   * Retry-After. Default: unlimited.
   */
  rateLimit?: RateLimitOptions;
}

/** A row (page) of a data source as the test sees it, including trashed ones. */
export interface SandboxRow {
  id: string;
  url: string;
  dataSourceId: string;
  inTrash: boolean;
  createdTime: string;
  /** Notion property VALUE objects as the API returns them, keyed by property name. */
  properties: Record<string, unknown>;
  /** Blocks sent as `children` or appended later, in response shape. */
  children: unknown[];
}

/** A running local Notion API (version 2025-09-03) with OAuth, for tests and the no-accounts sandbox. */
export interface NotionSandbox {
  /** e.g. http://127.0.0.1:54321 (no trailing slash); give it to `new Client({ baseUrl })`. */
  url: string;
  close(): Promise<void>;
  /** Registers another redirect URI for a client (the product learns its port after listening). */
  registerRedirectUri(clientId: string, uri: string): void;
  addWorkspace(input: { name: string; icon?: string | null; id?: string; owner?: { name: string; email: string } }): {
    id: string;
    name: string;
    ownerId: string;
  };
  /**
   * Creates a database with one data source in the workspace. properties: name -> Notion property type
   * ('title' | 'rich_text' | 'url' | 'date' | 'number' | 'select' | 'multi_select' | 'checkbox' | 'email' |
   * 'phone_number' | 'people' | 'files' | 'created_time' ...). Exactly one title property is required (throws otherwise).
   * `id` fixes the database id, `dataSourceId` the data source id; `parentPageId` puts the table under a page.
   * `untickedOnConsent`: the consent page offers it unticked, so it is shared only when the visitor ticks it.
   */
  addTable(
    workspaceId: string,
    input: {
      title: string;
      properties: Record<string, string>;
      id?: string;
      dataSourceId?: string;
      parentPageId?: string;
      untickedOnConsent?: boolean;
    },
  ): { databaseId: string; dataSourceId: string; url: string };
  /** A plain page (can be shared; tables can be created under it later). */
  addPage(workspaceId: string, input: { title: string; parentPageId?: string }): { pageId: string; url: string };
  /** "The user added a column in Notion." */
  addProperty(dataSourceId: string, name: string, type: string): void;
  /** "The user deleted a column": rows lose its value. */
  removeProperty(dataSourceId: string, name: string): void;
  /** "The user renamed a column": rows keep their values under the new name. */
  renameProperty(dataSourceId: string, from: string, to: string): void;
  /** Pages created in the data source, newest last, including trashed ones. */
  rows(dataSourceId: string): SandboxRow[];
  /** Revokes every token issued for this workspace (like the user removing the integration): later calls get 401. */
  revokeWorkspaceAccess(workspaceId: string): void;
  /** The data source, database or page stops being visible to every installation -> 404 object_not_found. */
  unshare(workspaceId: string, objectId: string): void;
  /** The next `count` API calls (anything under /v1 except /v1/oauth/*) answer 429 rate_limited with Retry-After: seconds (default 1). */
  rateLimitNext(count: number, retryAfterSeconds?: number): void;
  /** While on, API calls (not OAuth) answer 503 service_unavailable, as in a Notion outage. */
  setOutage(on: boolean): void;
  /** API calls are carried out at once and answered `ms` later (0: at once), like a slow Notion. */
  setLatency(ms: number): void;
  /**
   * Everything received: method, path (no query string), for /v1/oauth/token the grant_type, and once answered
   * the status and when.
   */
  requests: { method: string; path: string; grantType?: string; at: number; status?: number; finishedAt?: number }[];
  /** Number of successful authorization-code exchanges. */
  tokenExchanges(): number;
  workspaces(): { id: string; name: string }[];
  /** Access tokens currently valid for installations in this workspace. */
  activeTokenCount(workspaceId: string): number;
  /**
   * The tables of a workspace (including ones the integration created), oldest first. `parentPage` is the
   * page the table sits in, when it is not at the top of the workspace.
   */
  tables(workspaceId: string): {
    databaseId: string;
    dataSourceId: string;
    title: string;
    url: string;
    parentPage?: { id: string; title: string };
    columns: { name: string; type: string }[];
  }[];
  /** Sets (or clears) the integration's template: Allow then duplicates it and returns duplicated_template_id. */
  setTemplate(clientId: string, template: IntegrationTemplate | undefined): void;
  /** Access tokens of the workspace stop working (401) while refresh tokens still work. */
  expireAccessTokens(workspaceId: string): void;
  /** "The user deleted the row in Notion": it moves to the trash (`in_trash: true`). */
  trashRow(pageId: string): void;
  /** "The user emptied Notion's trash": the row is deleted for good, and Notion answers 404 object_not_found for it. */
  deleteRow(pageId: string): void;
}

function route(ctx: SandboxContext, ex: Exchange): Promise<void> | void {
  const { pathname } = ex.url;
  const method = ex.req.method ?? 'GET';
  if (pathname === '/v1/oauth/authorize' && method === 'GET') return showConsent(ctx, ex);
  if (pathname === '/v1/oauth/authorize' && method === 'POST') return submitConsent(ctx, ex);
  if (pathname === '/v1/oauth/token' && method === 'POST') return exchangeToken(ctx, ex);
  if (pathname === '/v1/oauth/revoke' && method === 'POST') return revokeToken(ctx, ex);
  if (pathname === '/v1/oauth/introspect' && method === 'POST') return introspectToken(ctx, ex);
  if (pathname.startsWith('/v1/oauth/')) throw new NotionApiError(400, 'invalid_request_url', 'Invalid request URL.');
  if (pathname === '/v1' || pathname.startsWith('/v1/')) return handleApi(ctx, ex);
  throw new NotionApiError(400, 'invalid_request_url', 'Invalid request URL.');
}

async function serve(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const log: RequestLogEntry = { method: req.method ?? 'GET', path: url.pathname, at: ctx.content.now() };
  ctx.requests.push(log);
  res.once('finish', () => {
    log.status = res.statusCode;
    log.finishedAt = ctx.content.now();
  });
  const ex: Exchange = { req, res, url, requestId: randomUUID(), log };
  try {
    await route(ctx, ex);
  } catch (err) {
    const e = NotionApiError.is(err)
      ? err
      : new NotionApiError(500, 'internal_server_error', 'Unexpected error occurred.');
    if (!NotionApiError.is(err))
      process.emitWarning(`notion sandbox: ${err instanceof Error ? err.stack : String(err)}`);
    if (res.headersSent) {
      res.end();
      return;
    }
    sendJson(
      res,
      e.status,
      { object: 'error', status: e.status, code: e.code, message: e.message, request_id: ex.requestId },
      ex.requestId,
      e.headers,
    );
  }
}

function requireDataSource(content: ContentStore, id: string) {
  return content.dataSource(id);
}

/** Starts a local Notion API + OAuth server on `host:port` (default 127.0.0.1:0). */
export async function startNotionSandbox(options: NotionSandboxOptions): Promise<NotionSandbox> {
  const content = new ContentStore(options.now ?? Date.now);
  const grants = new GrantStore(content);
  for (const c of options.clients) {
    grants.clients.set(c.clientId, {
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      redirectUris: [...c.redirectUris],
      name: c.name ?? 'Save to Notion',
      template: c.template,
    });
  }
  const ctx: SandboxContext = {
    content,
    grants,
    rateLimit: { remaining: 0, retryAfterSeconds: 1 },
    requests: [],
    outage: false,
    latencyMs: options.latencyMs ?? 0,
    ...(options.rateLimit ? { limiter: new ConnectionRateLimiter(options.rateLimit, content.now.bind(content)) } : {}),
  };

  const server = createServer((req, res) => void serve(ctx, req, res));
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    requests: ctx.requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    registerRedirectUri(clientId, uri) {
      const client = grants.clients.get(clientId);
      if (!client) throw new Error(`unknown client ${clientId}`);
      if (!client.redirectUris.includes(uri)) client.redirectUris.push(uri);
    },
    addWorkspace(input) {
      const ws = content.addWorkspace(input);
      return { id: ws.id, name: ws.name, ownerId: ws.owner.id };
    },
    addTable(workspaceId, input) {
      const parentPageId = input.parentPageId === undefined ? undefined : normalizeId(input.parentPageId);
      if (parentPageId === null || (parentPageId && !content.pages.has(parentPageId)))
        throw new Error(`unknown parent page ${input.parentPageId}`);
      const { database, dataSource } = content.addTable(workspaceId, {
        title: plainRichText(input.title),
        properties: content.schemaFromTypes(input.properties),
        parent: parentPageId ? { type: 'page_id', page_id: parentPageId } : { type: 'workspace', workspace: true },
        id: input.id,
        dataSourceId: input.dataSourceId,
      });
      if (input.untickedOnConsent) content.untickedOnConsent.add(database.id);
      return { databaseId: database.id, dataSourceId: dataSource.id, url: notionUrl(database.id) };
    },
    addPage(workspaceId, input) {
      const parent = input.parentPageId === undefined ? undefined : normalizeId(input.parentPageId);
      if (parent === null || (parent && !content.pages.has(parent)))
        throw new Error(`unknown parent page ${input.parentPageId}`);
      const page = content.addPlainPage(workspaceId, input.title, parent);
      return { pageId: page.id, url: notionUrl(page.id) };
    },
    addProperty(dataSourceId, name, type) {
      const ds = requireDataSource(content, dataSourceId);
      if (ds.properties.some((p) => p.name === name)) throw new Error(`property ${name} already exists`);
      if (type === 'title') throw new Error('a data source has exactly one title property');
      ds.properties.push(newProperty(name, type, new Set(ds.properties.map((p) => p.id))));
      ds.lastEditedTime = content.touch(ds.id);
    },
    removeProperty(dataSourceId, name) {
      const ds = requireDataSource(content, dataSourceId);
      const prop = ds.properties.find((p) => p.name === name);
      if (!prop) throw new Error(`no property ${name}`);
      if (prop.type === 'title') throw new Error('the title property cannot be removed');
      ds.properties = ds.properties.filter((p) => p !== prop);
      for (const page of content.pages.values()) {
        if (page.parent.type === 'data_source_id' && page.parent.dataSourceId === ds.id) page.values.delete(prop.id);
      }
      ds.lastEditedTime = content.touch(ds.id);
    },
    renameProperty(dataSourceId, from, to) {
      const ds = requireDataSource(content, dataSourceId);
      const prop = ds.properties.find((p) => p.name === from);
      if (!prop) throw new Error(`no property ${from}`);
      if (ds.properties.some((p) => p.name === to)) throw new Error(`property ${to} already exists`);
      prop.name = to;
      ds.lastEditedTime = content.touch(ds.id);
    },
    rows(dataSourceId) {
      const ds = requireDataSource(content, dataSourceId);
      return [...content.pages.values()]
        .filter((p) => p.parent.type === 'data_source_id' && p.parent.dataSourceId === ds.id)
        .map((p) => ({
          id: p.id,
          url: notionUrl(p.id),
          dataSourceId: ds.id,
          inTrash: p.inTrash,
          createdTime: iso(p.createdTime),
          properties: structuredClone(pageProperties(content, p)),
          children: structuredClone(p.children),
        }));
    },
    revokeWorkspaceAccess(workspaceId) {
      grants.revokeWorkspace(content.workspace(workspaceId).id);
    },
    unshare(workspaceId, objectId) {
      grants.unshare(content.workspace(workspaceId).id, objectId);
    },
    rateLimitNext(count, retryAfterSeconds = 1) {
      ctx.rateLimit = { remaining: count, retryAfterSeconds };
    },
    setOutage(on) {
      ctx.outage = on;
    },
    setLatency(ms) {
      ctx.latencyMs = ms;
    },
    tokenExchanges: () => grants.exchanges,
    workspaces: () => [...content.workspaces.values()].map((ws) => ({ id: ws.id, name: ws.name })),
    activeTokenCount: (workspaceId) => grants.activeAccessTokens(content.workspace(workspaceId).id),
    tables(workspaceId) {
      const ws = content.workspace(workspaceId).id;
      return [...content.dataSources.values()]
        .filter((ds) => content.workspaceOf(ds.id) === ws)
        .map((ds) => {
          const parentPage = content.parentPage(ds.databaseId);
          return {
            databaseId: ds.databaseId,
            dataSourceId: ds.id,
            title: plainText(ds.title),
            url: notionUrl(ds.databaseId),
            ...(parentPage ? { parentPage } : {}),
            columns: ds.properties.map((p) => ({ name: p.name, type: p.type })),
          };
        });
    },
    setTemplate(clientId, template) {
      const client = grants.clients.get(clientId);
      if (!client) throw new Error(`unknown client ${clientId}`);
      client.template = template;
    },
    expireAccessTokens(workspaceId) {
      grants.expireAccessTokens(content.workspace(workspaceId).id);
    },
    trashRow(pageId) {
      const page = content.pages.get(normalizeId(pageId) ?? '');
      if (!page) throw new Error(`unknown page ${pageId}`);
      page.inTrash = true;
      page.lastEditedTime = content.touch(page.id);
    },
    deleteRow(pageId) {
      const id = normalizeId(pageId) ?? '';
      if (!content.pages.has(id)) throw new Error(`unknown page ${pageId}`);
      content.pages.delete(id);
    },
  };
}

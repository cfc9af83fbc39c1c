import type { ApiHandler } from './api-call.js';
import { queryDataSource, retrieveDataSource } from './api-data-sources.js';
import { createDatabase, retrieveDatabase } from './api-databases.js';
import { appendChildren, createPage, retrievePage, updatePage } from './api-pages.js';
import { search } from './api-search.js';
import type { Exchange, SandboxContext } from './context.js';
import { invalidRequestUrl, NotionApiError, unauthorized, validationError } from './errors.js';
import { parseBearer, parseJsonObject, readBody, sendJson } from './http-io.js';
import type { ApiVersion } from './page-objects.js';

const VERSIONS: readonly ApiVersion[] = ['2025-09-03', '2026-03-11'];

/** GET /v1/users/me: the installation's bot user. */
const me: ApiHandler = (ctx, { bot }) => {
  const ws = ctx.content.workspace(bot.workspaceId);
  return {
    object: 'user',
    id: bot.id,
    name: ctx.grants.clients.get(bot.clientId)?.name ?? null,
    avatar_url: null,
    type: 'bot',
    bot: {
      owner: { type: 'user', user: { object: 'user', id: ws.owner.id } },
      workspace_name: ws.name,
      workspace_id: ws.id,
    },
  };
};

const ROUTES: { method: string; pattern: RegExp; handler: ApiHandler }[] = [
  { method: 'POST', pattern: /^\/v1\/search$/, handler: search },
  { method: 'GET', pattern: /^\/v1\/data_sources\/([^/]+)$/, handler: retrieveDataSource },
  { method: 'POST', pattern: /^\/v1\/data_sources\/([^/]+)\/query$/, handler: queryDataSource },
  { method: 'GET', pattern: /^\/v1\/databases\/([^/]+)$/, handler: retrieveDatabase },
  { method: 'POST', pattern: /^\/v1\/databases$/, handler: createDatabase },
  { method: 'POST', pattern: /^\/v1\/pages$/, handler: createPage },
  { method: 'GET', pattern: /^\/v1\/pages\/([^/]+)$/, handler: retrievePage },
  { method: 'PATCH', pattern: /^\/v1\/pages\/([^/]+)$/, handler: updatePage },
  { method: 'PATCH', pattern: /^\/v1\/blocks\/([^/]+)\/children$/, handler: appendChildren },
  { method: 'GET', pattern: /^\/v1\/users\/me$/, handler: me },
];

function checkVersion(header: string | string[] | undefined): ApiVersion {
  if (header === undefined) {
    throw new NotionApiError(
      400,
      'missing_version',
      'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.',
    );
  }
  const value = Array.isArray(header) ? header.join(',') : header;
  const version = VERSIONS.find((v) => v === value);
  if (!version) {
    throw validationError(
      `Notion-Version header failed validation: Notion-Version header should be one of ${VERSIONS.map((v) => `"${v}"`).join(', ')}, instead was \`${JSON.stringify(value)}\`.`,
    );
  }
  return version;
}

/**
 * Serves one /v1 API call (everything except /v1/oauth/*): forced rate limits first, then the version header,
 * the bearer token, the connection's rate limit (when one is set), the route and the JSON body, in that order.
 */
export async function handleApi(ctx: SandboxContext, ex: Exchange): Promise<void> {
  if (ctx.outage)
    throw new NotionApiError(503, 'service_unavailable', 'Notion is unavailable, please try again later.');
  if (ctx.rateLimit.remaining > 0) {
    ctx.rateLimit.remaining--;
    const seconds = String(ctx.rateLimit.retryAfterSeconds);
    throw new NotionApiError(429, 'rate_limited', 'You have been rate limited. Please try again in a few minutes.', {
      'retry-after': seconds,
    });
  }
  const version = checkVersion(ex.req.headers['notion-version']);
  const token = parseBearer(ex.req.headers.authorization);
  const bot = token ? ctx.grants.botForAccessToken(token) : null;
  if (!bot) throw unauthorized();
  const retryAfter = ctx.limiter?.take(bot.id) ?? null;
  if (retryAfter !== null) {
    const message = 'You have been rate limited. Please try again in a few minutes.';
    throw new NotionApiError(429, 'rate_limited', message, { 'retry-after': String(retryAfter) });
  }
  const method = ex.req.method ?? 'GET';
  let params: string[] | undefined;
  const route = ROUTES.find((r) => {
    if (r.method !== method) return false;
    const m = r.pattern.exec(ex.url.pathname);
    params = m?.slice(1).map((p) => decodeURIComponent(p));
    return m !== null;
  });
  if (!route || !params) throw invalidRequestUrl();
  const body = method === 'GET' ? {} : parseJsonObject(await readBody(ex.req));
  const result = await route.handler(ctx, { ex, bot, version, body, params });
  // Done, but the answer is slow to come back: a client that dies meanwhile never learns the write happened.
  if (ctx.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, ctx.latencyMs));
  sendJson(ex.res, 200, { ...result, request_id: ex.requestId }, ex.requestId);
}

import { renderConsentPage, renderErrorPage, type ConsentWorkspace } from './consent-page.js';
import type { Exchange, SandboxContext } from './context.js';
import { NotionApiError } from './errors.js';
import type { IntegrationTemplate, OAuthClient } from './grants.js';
import { parseBasicAuth, parseJsonObject, readBody, redirect, sendHtml, sendJson } from './http-io.js';
import { normalizeId } from './ids.js';
import { plainRichText } from './rich-text.js';

const FORM_FIELDS = new Set([
  'client_id',
  'redirect_uri',
  'state',
  'response_type',
  'owner',
  'workspace_id',
  'share',
  'decision',
]);
const AUTHORIZE_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'owner', 'state'] as const;
const MAX_FORM_BYTES = 64 * 1024;

class ConsentError extends Error {}

interface AuthorizeRequest {
  client: OAuthClient;
  /** Where to send the user back. */
  redirectUri: string;
  /** The redirect_uri exactly as given, or null when it was left out (then the token call must not differ). */
  givenRedirectUri: string | null;
  state: string | null;
}

function validateAuthorize(ctx: SandboxContext, params: URLSearchParams): AuthorizeRequest {
  for (const name of AUTHORIZE_PARAMS) {
    if (params.getAll(name).length > 1) throw new ConsentError(`The ${name} parameter was given more than once.`);
  }
  const client = ctx.grants.clients.get(params.get('client_id') ?? '');
  if (!client) throw new ConsentError('Missing or invalid client_id.');
  if (params.get('response_type') !== 'code') throw new ConsentError('response_type must be "code".');
  if (params.get('owner') !== 'user') throw new ConsentError('owner must be "user".');
  const given = params.get('redirect_uri') || null;
  let redirectUri: string;
  if (given === null) {
    if (client.redirectUris.length !== 1)
      throw new ConsentError('redirect_uri is required when the integration has several redirect URIs.');
    redirectUri = client.redirectUris[0]!;
  } else {
    if (!client.redirectUris.includes(given))
      throw new ConsentError('redirect_uri does not match any redirect URI registered for this integration.');
    redirectUri = given;
  }
  return { client, redirectUri, givenRedirectUri: given, state: params.get('state') || null };
}

function shareableItems(ctx: SandboxContext, workspaceId: string): ConsentWorkspace['items'] {
  const items: ConsentWorkspace['items'] = [];
  for (const page of ctx.content.pages.values()) {
    if (page.workspaceId === workspaceId && !page.inTrash && page.parent.type !== 'data_source_id') {
      items.push({
        id: page.id,
        kind: 'page',
        title: ctx.content.pageTitle(page),
        parent: ctx.content.parentPage(page.id)?.title,
      });
    }
  }
  for (const db of ctx.content.databases.values()) {
    if (db.workspaceId === workspaceId && !db.inTrash) {
      items.push({
        id: db.id,
        kind: 'table',
        title: db.title.map((t) => t.plain_text).join(''),
        parent: ctx.content.parentPage(db.id)?.title,
        ...(ctx.content.untickedOnConsent.has(db.id) ? { ticked: false } : {}),
      });
    }
  }
  return items;
}

function withParams(base: string, params: Record<string, string | null>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return url.toString();
}

function consentError(ex: Exchange, err: unknown): void {
  if (!(err instanceof ConsentError)) throw err;
  sendHtml(ex.res, 400, renderErrorPage('This link to Notion is not valid', err.message));
}

/** GET /v1/oauth/authorize: the consent page, or a 400 page (never a redirect) when the request is invalid. */
export function showConsent(ctx: SandboxContext, ex: Exchange): void {
  try {
    const auth = validateAuthorize(ctx, ex.url.searchParams);
    const workspaces = [...ctx.content.workspaces.values()].map((ws) => ({
      id: ws.id,
      name: ws.name,
      icon: ws.icon,
      items: shareableItems(ctx, ws.id),
    }));
    if (workspaces.length === 0) throw new ConsentError('There is no workspace to connect yet.');
    sendHtml(
      ex.res,
      200,
      renderConsentPage({
        integrationName: auth.client.name,
        workspaces,
        hidden: {
          client_id: auth.client.clientId,
          redirect_uri: auth.givenRedirectUri ?? '',
          state: auth.state ?? '',
          response_type: 'code',
          owner: 'user',
        },
      }),
    );
  } catch (err) {
    consentError(ex, err);
  }
}

/**
 * Turns the ticked ids into the set the installation will see. No `share` field at all (a scripted post) shares
 * everything; the page itself always sends an empty `share`, so a user who unticks every box shares nothing.
 */
function sharedIds(ctx: SandboxContext, workspaceId: string, form: URLSearchParams): string[] {
  if (!form.has('share')) return shareableItems(ctx, workspaceId).map((i) => i.id);
  const ids: string[] = [];
  // Empty values come from the page's marker field, not from a ticked box.
  for (const raw of form.getAll('share').filter((v) => v !== '')) {
    const id = normalizeId(raw);
    const owner = id && ctx.content.workspaceOf(id);
    if (!id || !owner) throw new ConsentError('One of the selected pages does not exist.');
    // The page lists every workspace's pages; only the chosen workspace's ticks count.
    if (owner !== workspaceId) continue;
    ids.push(ctx.content.dataSources.get(id)?.databaseId ?? id);
  }
  return ids;
}

/** Notion copies the integration's template page (with its table) into the chosen workspace and shares the copy. */
function duplicateTemplate(ctx: SandboxContext, workspaceId: string, template: IntegrationTemplate): string {
  const page = ctx.content.addPlainPage(workspaceId, template.pageTitle);
  ctx.content.addTable(workspaceId, {
    title: plainRichText(template.table.title),
    properties: ctx.content.schemaFromTypes(template.table.properties),
    parent: { type: 'page_id', page_id: page.id },
  });
  return page.id;
}

/** POST /v1/oauth/authorize: the consent form. Allow -> code, Cancel -> access_denied, both back to redirect_uri. */
export async function submitConsent(ctx: SandboxContext, ex: Exchange): Promise<void> {
  try {
    let text: string;
    try {
      text = await readBody(ex.req, MAX_FORM_BYTES);
    } catch {
      throw new ConsentError('The form was too large.');
    }
    const form = new URLSearchParams(text);
    for (const key of form.keys()) if (!FORM_FIELDS.has(key)) throw new ConsentError(`Unexpected form field: ${key}.`);
    for (const key of FORM_FIELDS) {
      if (key !== 'share' && form.getAll(key).length > 1)
        throw new ConsentError(`The ${key} field was given more than once.`);
    }
    const auth = validateAuthorize(ctx, form);
    const decision = form.get('decision');
    if (decision === 'cancel') {
      redirect(ex.res, withParams(auth.redirectUri, { error: 'access_denied', state: auth.state ?? '' }));
      return;
    }
    if (decision !== 'allow') throw new ConsentError('Choose "Allow access" or "Cancel".');
    const workspaceId = normalizeId(form.get('workspace_id'));
    if (!workspaceId || !ctx.content.workspaces.has(workspaceId))
      throw new ConsentError('Choose one of your workspaces.');
    const shared = sharedIds(ctx, workspaceId, form);
    const duplicatedTemplateId = auth.client.template
      ? duplicateTemplate(ctx, workspaceId, auth.client.template)
      : null;
    if (duplicatedTemplateId) shared.push(duplicatedTemplateId);
    const code = ctx.grants.issueCode({
      clientId: auth.client.clientId,
      redirectUri: auth.givenRedirectUri,
      workspaceId,
      shared,
      duplicatedTemplateId,
    });
    redirect(ex.res, withParams(auth.redirectUri, { code, state: auth.state }));
  } catch (err) {
    consentError(ex, err);
  }
}

function oauthError(status: number, code: string, message: string): NotionApiError {
  return new NotionApiError(status, code, message);
}

async function clientAndBody(
  ctx: SandboxContext,
  ex: Exchange,
): Promise<{ client: OAuthClient; body: Record<string, unknown> }> {
  const client = ctx.grants.authenticate(parseBasicAuth(ex.req.headers.authorization));
  if (!client)
    throw oauthError(401, 'invalid_client', 'Client authentication failed: unknown client or wrong client secret.');
  let body: Record<string, unknown>;
  try {
    body = parseJsonObject(await readBody(ex.req));
  } catch {
    throw oauthError(400, 'invalid_request', 'The request body must be a JSON object.');
  }
  return { client, body };
}

function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '')
    throw oauthError(
      400,
      'invalid_request',
      `body.${field} should be defined, instead was \`${JSON.stringify(value)}\`.`,
    );
  return value;
}

/** POST /v1/oauth/token: authorization_code and refresh_token grants. */
export async function exchangeToken(ctx: SandboxContext, ex: Exchange): Promise<void> {
  const { client, body } = await clientAndBody(ctx, ex);
  const grantType = requiredString(body, 'grant_type');
  ex.log.grantType = grantType;
  let issued;
  if (grantType === 'authorization_code') {
    const pending = ctx.grants.peekCode(requiredString(body, 'code'), client.clientId);
    if (!pending) throw oauthError(400, 'invalid_grant', 'Invalid code: this code has been revoked.');
    const given = body.redirect_uri;
    if (given !== undefined && typeof given !== 'string')
      throw oauthError(400, 'invalid_request', 'body.redirect_uri should be a string.');
    if (pending.redirectUri !== null && given === undefined)
      throw oauthError(
        400,
        'invalid_request',
        'body.redirect_uri should be defined, as it was in the authorization request.',
      );
    const expectedUri = pending.redirectUri ?? client.redirectUris[0];
    if (given !== undefined && given !== expectedUri)
      throw oauthError(400, 'invalid_grant', 'Invalid redirect_uri: it does not match the authorization request.');
    issued = ctx.grants.redeemCode(pending);
  } else if (grantType === 'refresh_token') {
    issued = ctx.grants.refresh(requiredString(body, 'refresh_token'), client.clientId);
    if (!issued) throw oauthError(400, 'invalid_grant', 'Invalid refresh token: this token has been revoked.');
  } else {
    throw oauthError(400, 'unsupported_grant_type', `Unsupported grant_type: ${grantType}.`);
  }
  const ws = ctx.content.workspace(issued.bot.workspaceId);
  sendJson(
    ex.res,
    200,
    {
      access_token: issued.accessToken,
      token_type: 'bearer',
      refresh_token: issued.refreshToken,
      bot_id: issued.bot.id,
      workspace_name: ws.name,
      workspace_icon: ws.icon,
      workspace_id: ws.id,
      owner: {
        type: 'user',
        user: {
          object: 'user',
          id: ws.owner.id,
          name: ws.owner.name,
          avatar_url: null,
          type: 'person',
          person: { email: ws.owner.email },
        },
      },
      duplicated_template_id: issued.bot.duplicatedTemplateId,
      request_id: ex.requestId,
    },
    ex.requestId,
  );
}

/** POST /v1/oauth/revoke: the installation's tokens stop working. */
export async function revokeToken(ctx: SandboxContext, ex: Exchange): Promise<void> {
  const { client, body } = await clientAndBody(ctx, ex);
  ctx.grants.revoke(requiredString(body, 'token'), client.clientId);
  sendJson(ex.res, 200, {}, ex.requestId);
}

/** POST /v1/oauth/introspect: whether a token of this client is still live. */
export async function introspectToken(ctx: SandboxContext, ex: Exchange): Promise<void> {
  const { client, body } = await clientAndBody(ctx, ex);
  const result = ctx.grants.introspect(requiredString(body, 'token'), client.clientId);
  const scope = result.active ? { scope: 'read_content update_content insert_content' } : {};
  sendJson(ex.res, 200, { ...result, ...scope, request_id: ex.requestId }, ex.requestId);
}

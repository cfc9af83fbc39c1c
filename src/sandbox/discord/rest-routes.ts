/**
 * The REST half of the Discord emulation: `/api/v10/...` with the bot's token, the routes discord.js
 * and our scripts use (gateway discovery, the bot's user and application, commands, interaction
 * callbacks and webhooks, DM channels and channel messages), each answered as discord-api-docs says.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applicationCommands } from './application-commands.js';
import { HttpError, notFound, readJson, unauthorized, type Answer } from './http-io.js';
import { interactionCallback, interactionWebhook } from './interactions.js';
import { createChannelMessage } from './messages.js';
import { channelObject } from './objects.js';
import type { Auth, DiscordContext } from './state.js';

/** Answers one REST request under `/api/v10` and records its method, route, status and auth. */
export async function handleRest(ctx: DiscordContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { state } = ctx;
  const url = new URL(req.url ?? '/', ctx.baseUrl());
  const method = (req.method ?? 'GET').toUpperCase();
  const authHeader = req.headers.authorization;
  const auth: Auth = authHeader === undefined ? 'none' : authHeader === `Bot ${state.token}` ? 'bot' : 'bad';
  const route = url.pathname.replace(/\/(interactions\/\d+|webhooks\/\d+)\/[^/]+/, '/$1/:token');
  let status = 500;
  try {
    const body = await readJson(req);
    const m = /^\/api\/v(\d+)(\/.*)$/.exec(url.pathname);
    if (!m || m[1] !== '10') throw notFound();
    const answer = routeRequest(ctx, method, decodeURIComponent(m[2]!), url, body, auth);
    status = answer.status;
    res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  } catch (err) {
    const e = err instanceof HttpError ? err : new HttpError(500, { message: `fake discord: ${String(err)}`, code: 0 });
    status = e.status;
    res.writeHead(e.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(e.body));
  } finally {
    state.requests.push({ method, route, status, auth });
  }
}

function routeRequest(ctx: DiscordContext, method: string, path: string, url: URL, body: unknown, auth: Auth): Answer {
  const { state } = ctx;
  const ws = () => ctx.baseUrl().replace(/^http/, 'ws');
  const bot = () => {
    if (auth !== 'bot') throw unauthorized();
  };
  let m: RegExpExecArray | null;

  if (path === '/gateway/bot' && method === 'GET') {
    bot();
    return {
      status: 200,
      body: {
        url: `${ws()}/gateway`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      },
    };
  }
  if (path === '/gateway' && method === 'GET') return { status: 200, body: { url: `${ws()}/gateway` } };
  if (path === '/users/@me' && method === 'GET') {
    bot();
    return { status: 200, body: { ...state.botUser, verified: true, mfa_enabled: false, flags: 0, email: null } };
  }
  if (path === '/applications/@me' && method === 'GET') {
    bot();
    return {
      status: 200,
      body: {
        id: state.applicationId,
        name: state.botUser.username,
        icon: null,
        description: '',
        bot_public: true,
        bot_require_code_grant: false,
        flags: 0,
        bot: state.botUser,
        team: null,
        verify_key: '0'.repeat(64),
      },
    };
  }
  if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path))) {
    bot();
    return applicationCommands(state, method, m[1]!, m[2], body);
  }
  if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path)) && method === 'POST') {
    return interactionCallback(state, m[1]!, m[2]!, body, url.searchParams.get('with_response') === 'true');
  }
  if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/.exec(path))) {
    return interactionWebhook(state, method, m[1]!, m[2]!, m[3], body);
  }
  if (path === '/users/@me/channels' && method === 'POST') {
    bot();
    const recipient = (body as { recipient_id?: unknown } | undefined)?.recipient_id;
    const user = typeof recipient === 'string' ? state.users.get(recipient) : undefined;
    if (!user) throw new HttpError(400, { message: 'Unknown User', code: 10013 });
    const channel = state.dmChannelFor(user);
    return { status: 200, body: channelObject(channel, state.lastMessageId(channel.id)) };
  }
  if ((m = /^\/channels\/(\d+)(\/messages|\/typing)?$/.exec(path))) {
    bot();
    const entry = state.channels.get(m[1]!);
    if (!entry) throw new HttpError(404, { message: 'Unknown Channel', code: 10003 });
    if (!m[2] && method === 'GET')
      return { status: 200, body: channelObject(entry.channel, state.lastMessageId(entry.channel.id)) };
    if (m[2] === '/typing' && method === 'POST') return { status: 204 };
    if (m[2] === '/messages' && method === 'POST') return createChannelMessage(ctx, entry, body);
  }
  throw notFound();
}

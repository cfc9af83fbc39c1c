import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { readCappedBody } from '../read-body.js';
import { messageBlocksError } from './block-rules.js';
import {
  OAuthFailure,
  SandboxInstalls,
  type SandboxEnterprise,
  type SandboxGrant,
  type SandboxOAuthClient,
  type SandboxWorkspace,
} from './installs.js';

/** One Web API call as the sandbox received it; the token is never recorded. */
export interface RecordedCall {
  method: string;
  /** Parsed arguments; JSON-valued form fields (`blocks`, `attachments`, `view`, …) parsed too. */
  args: Record<string, unknown>;
  /** What the sandbox answered (`ok`, `error`). */
  ok: boolean;
  error?: string | undefined;
  /** The workspace (or, for org-wide installs, the org) whose token made the call. */
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
}

/** A body POSTed to a response_url, after validation. */
export interface RecordedResponse {
  /** The response_url's id (last path segment). */
  id: string;
  userId?: string | undefined;
  channelId?: string | undefined;
  body: {
    text?: string;
    blocks?: unknown[];
    response_type?: 'ephemeral' | 'in_channel';
    replace_original?: boolean;
    delete_original?: boolean;
    [key: string]: unknown;
  };
}

/** A message as a user would see it: posted by the bot, an ephemeral, or a response_url answer. */
export interface SandboxMessage {
  via: 'chat.postMessage' | 'chat.postEphemeral' | 'response_url';
  channel: string | undefined;
  /** For ephemerals and response_url answers: who sees it. */
  user?: string | undefined;
  ts?: string | undefined;
  text?: string | undefined;
  blocks?: unknown[] | undefined;
  threadTs?: string | undefined;
  /** Web API messages: the workspace whose bot token posted it. */
  teamId?: string | undefined;
}

/** One installation of the app, as the emulated Slack knows it. */
export interface SandboxInstallation {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall: boolean;
  botUserId: string;
  botId: string;
  revoked: boolean;
}

export interface SlackSandbox {
  /** Web API base for `SLACK_API_URL` / `clientOptions.slackApiUrl`, ending in `/api/`. */
  apiUrl: string;
  /** Prefix of every response_url this sandbox hands out. */
  responseUrlBase: string;
  teamId: string;
  botUserId: string;
  botId: string;
  /** Every Web API call, in order. */
  calls: RecordedCall[];
  /** Every accepted response_url POST, in order. */
  responses: RecordedResponse[];
  /** A fresh response_url (5 uses, 30 minutes), optionally tied to who sees the answers. */
  newResponseUrl(opts?: { userId?: string; channelId?: string }): string;
  /** The app's DM channel id with a user (created on first use, as conversations.open does). */
  imChannelFor(userId: string): string;
  /** Messages delivered to a user (DM, ephemerals, response_url answers) or to a channel id. */
  messagesTo(userOrChannel: string): SandboxMessage[];
  /** Calls of one method. */
  callsTo(method: string): RecordedCall[];
  /** Modals opened with `views.open`, in order, as Slack stores them (with their `id`). */
  openedViews: OpenedView[];
  /** Socket Mode: whether an app is connected (after `apps.connections.open` and the hello). */
  socketConnected(): boolean;
  /**
   * Socket Mode: sends an envelope to the connected app as Slack does and resolves with the
   * app's ack (`{envelope_id, payload}`); rejects after `timeoutMs` without one.
   */
  sendEnvelope(
    type: 'slash_commands' | 'interactive' | 'events_api',
    payload: Record<string, unknown>,
    opts?: { retryAttempt?: number; retryReason?: string; timeoutMs?: number },
  ): Promise<{ envelope_id: string; payload?: unknown }>;
  /** Base of the emulation, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  /** Slack's authorize page here (`SLACK_AUTHORIZE_URL`); needs `oauth`. */
  authorizeUrl: string;
  /** The product's OAuth redirect URL, as registered in the app's settings. */
  registerRedirectUri(uri: string): void;
  /** Installations made through the authorize page (and the single-workspace token's). */
  installations(): SandboxInstallation[];
  /** Uninstalls the app from a workspace or org: its bot tokens are revoked. Returns how many. */
  uninstall(teamOrEnterpriseId: string): number;
  /** Every bot and refresh token handed out, for checks that none leaks. */
  issuedTokens(): readonly string[];
  /** How many refresh grants `oauth.v2.access` answered (token rotation). */
  refreshCount(): number;
  /** Lets a new workspace install the app (shown on the authorize page). */
  addWorkspace(ws: SandboxWorkspace): void;
  close(): Promise<void>;
}

/** A modal the app opened (`views.open`). */
export interface OpenedView {
  id: string;
  triggerId: string;
  view: Record<string, unknown> & {
    callback_id?: string;
    private_metadata?: string;
    blocks: Record<string, unknown>[];
  };
}

/** Block Kit limits on a modal (docs.slack.dev/reference/views/modal-views). */
function checkModal(view: unknown): OpenedView['view'] {
  if (view === null || typeof view !== 'object') throw new ApiError('invalid_arguments');
  const v = view as Record<string, unknown>;
  const plain = (x: unknown, max: number) =>
    x !== null &&
    typeof x === 'object' &&
    (x as { type?: unknown }).type === 'plain_text' &&
    typeof (x as { text?: unknown }).text === 'string' &&
    (x as { text: string }).text.length <= max;
  if (v.type !== 'modal') throw new ApiError('invalid_arguments');
  if (!plain(v.title, 24)) throw new ApiError('invalid_arguments');
  if (!Array.isArray(v.blocks) || v.blocks.length === 0 || v.blocks.length > 100)
    throw new ApiError('invalid_arguments');
  if (v.submit !== undefined && !plain(v.submit, 24)) throw new ApiError('invalid_arguments');
  if (v.close !== undefined && !plain(v.close, 24)) throw new ApiError('invalid_arguments');
  if (typeof v.private_metadata === 'string' && v.private_metadata.length > 3000)
    throw new ApiError('invalid_arguments');
  if (typeof v.callback_id === 'string' && v.callback_id.length > 255) throw new ApiError('invalid_arguments');
  const blockIds = new Set<string>();
  let inputs = 0;
  for (const block of v.blocks as unknown[]) {
    if (block === null || typeof block !== 'object') throw new ApiError('invalid_blocks');
    const b = block as Record<string, unknown>;
    if (typeof b.block_id === 'string') {
      if (blockIds.has(b.block_id)) throw new ApiError('invalid_blocks');
      blockIds.add(b.block_id);
    }
    if (b.type !== 'input') continue;
    inputs++;
    if (!plain(b.label, 2000)) throw new ApiError('invalid_blocks');
    const el = b.element as Record<string, unknown> | undefined;
    if (!el || el.type !== 'plain_text_input' || typeof el.action_id !== 'string') throw new ApiError('invalid_blocks');
    if (el.max_length !== undefined && (typeof el.max_length !== 'number' || el.max_length > 3000))
      throw new ApiError('invalid_blocks');
    if (el.placeholder !== undefined && !plain(el.placeholder, 150)) throw new ApiError('invalid_blocks');
  }
  // A modal with inputs needs a submit button.
  if (inputs > 0 && v.submit === undefined) throw new ApiError('invalid_arguments');
  return v as OpenedView['view'];
}

const TRIGGER_ID = /^\d+\.\d+\.[0-9a-f]+$/;

export interface SlackSandboxOptions {
  /** A bot token for the default team (single-workspace apps); others are minted by installs. */
  botToken?: string;
  teamId?: string;
  teamName?: string;
  botUserId?: string;
  botId?: string;
  /** The app-level token (`xapp-…`) accepted by `apps.connections.open` for Socket Mode. */
  appToken?: string;
  /** "Add to Slack": the app's OAuth client, for `/oauth/v2/authorize` and `oauth.v2.access`. */
  oauth?: SandboxOAuthClient;
  /** Workspaces that can install the app; default: the default team only. */
  workspaces?: SandboxWorkspace[];
  /** Enterprise Grid orgs (org-wide installs). */
  enterprises?: SandboxEnterprise[];
  /** Issue rotating tokens (12 h, with refresh tokens), as with token rotation turned on. */
  tokenRotation?: boolean;
}

const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;
/** Form fields Slack's WebClient sends JSON-encoded. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurls']);
const ID = /^[A-Z][A-Z0-9]{2,20}$/;

type Args = Record<string, unknown>;
type Answer = Record<string, unknown> & { ok: boolean; error?: string };

class ApiError extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  const { text, size } = await readCappedBody(req, limit);
  if (size > limit) throw new ApiError('request_too_large');
  return text;
}

function parseArgs(contentType: string, raw: string, query: URLSearchParams): Args {
  const args: Args = {};
  for (const [k, v] of query) args[k] = v;
  if (raw.trim() === '') return args;
  if (contentType.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ApiError('invalid_json');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiError('invalid_json');
    return { ...args, ...(parsed as Args) };
  }
  if (contentType.includes('application/x-www-form-urlencoded') || contentType === '') {
    for (const [k, v] of new URLSearchParams(raw)) {
      if (JSON_FIELDS.has(k)) {
        try {
          args[k] = JSON.parse(v);
        } catch {
          throw new ApiError(k === 'blocks' ? 'invalid_blocks_format' : 'invalid_arguments');
        }
      } else {
        args[k] = v;
      }
    }
    return args;
  }
  throw new ApiError('invalid_form_data');
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
/** chat.* methods refuse blocks that break Block Kit's limits, as Slack does. */
function checkBlocks(args: Args): void {
  if (args.blocks !== undefined && messageBlocksError(args.blocks)) throw new ApiError('invalid_blocks');
}
const hasText = (args: Args) =>
  str(args.text) !== undefined ||
  (Array.isArray(args.blocks) && args.blocks.length > 0) ||
  (Array.isArray(args.attachments) && args.attachments.length > 0);

/**
 * A local emulation of the Slack Web API and of response_urls, on 127.0.0.1 (port 0), for the
 * real Bolt/WebClient in tests and the no-accounts sandbox. Answers in Slack's shapes (HTTP 200,
 * `{ok:false,error}` on failure): `auth.test`, `chat.postMessage` (a user id opens the DM and
 * answers with its `D…` channel), `chat.postEphemeral`, `chat.update`, `conversations.open`,
 * `views.publish`; form-encoded and JSON bodies; token as `Authorization: Bearer` or `token` field.
 * response_urls accept JSON bodies with `text` or `blocks`, 5 times within 30 minutes. Message
 * blocks that break Block Kit's limits (duplicate action_ids in a block, over-long button labels,
 * …) are refused with `invalid_blocks`, as Slack does.
 * Socket Mode: with `appToken`, `apps.connections.open` returns a local WebSocket URL; the
 * sandbox says hello and `sendEnvelope` delivers envelopes and waits for the app's ack.
 * "Add to Slack": with `oauth`, `/oauth/v2/authorize` (a page to pick a workspace or a whole Grid org)
 * redirects back with a code that `oauth.v2.access` exchanges once for a bot token of that workspace
 * or org; every Web API call then acts (and is recorded) as the token's workspace. `uninstall` revokes.
 */
export async function startSlackSandbox(options: SlackSandboxOptions): Promise<SlackSandbox> {
  const teamId = options.teamId ?? 'T0SANDBOX';
  const teamName = options.teamName ?? 'Sandbox';
  const botUserId = options.botUserId ?? 'U0SANDBOT';
  const botId = options.botId ?? 'B0SANDBOT';
  const calls: RecordedCall[] = [];
  const responses: RecordedResponse[] = [];
  /** Everything a user would see, in delivery order. */
  const delivered: SandboxMessage[] = [];
  const openedViews: OpenedView[] = [];
  const ims = new Map<string, string>();
  const responseUrls = new Map<
    string,
    { uses: number; expires: number; userId?: string | undefined; channelId?: string | undefined }
  >();
  let tsCounter = 0;
  let base = '';
  const installs = new SandboxInstalls({
    client: options.oauth,
    workspaces: options.workspaces ? [...options.workspaces] : [{ teamId, teamName }],
    enterprises: options.enterprises ? [...options.enterprises] : [],
    tokenRotation: options.tokenRotation ?? false,
  });
  if (options.botToken) {
    installs.grants.set(options.botToken, {
      kind: 'bot',
      teamId,
      teamName,
      isEnterpriseInstall: false,
      botUserId,
      botId,
      revoked: false,
    });
  }
  if (options.appToken) {
    installs.grants.set(options.appToken, {
      kind: 'app',
      teamId,
      teamName,
      isEnterpriseInstall: false,
      botUserId,
      botId,
      revoked: false,
    });
  }

  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, '0')}`;
  const imChannelFor = (userId: string): string => {
    let id = ims.get(userId);
    if (!id) {
      id = `D${randomBytes(5).toString('hex').toUpperCase()}`;
      ims.set(userId, id);
    }
    return id;
  };
  const isIm = (channel: string) => [...ims.values()].includes(channel);
  /** Resolves a `channel` argument as Slack does: a user id means the app's DM with that user. */
  const resolveChannel = (value: unknown): string => {
    const channel = str(value);
    if (!channel) throw new ApiError('channel_not_found');
    if (/^[UW]/.test(channel) && ID.test(channel)) return imChannelFor(channel);
    if (/^[CDG]/.test(channel) && ID.test(channel)) return channel;
    throw new ApiError('channel_not_found');
  };

  const methods: Record<string, (args: Args, grant: SandboxGrant) => Answer> = {
    'api.test': (args) => ({ ok: true, args }),
    'apps.connections.open': () => ({
      ok: true,
      url: `${base.replace(/^http/, 'ws')}/link/?ticket=${randomBytes(16).toString('hex')}`,
    }),
    'auth.test': (_args, g) => ({
      ok: true,
      url: g.isEnterpriseInstall
        ? `https://${(g.enterpriseName ?? 'org').toLowerCase().replace(/[^a-z0-9]+/g, '-')}.enterprise.slack.com/`
        : `https://${(g.teamName ?? teamName).toLowerCase().replace(/[^a-z0-9]+/g, '-')}.slack.com/`,
      team: g.isEnterpriseInstall ? g.enterpriseName : g.teamName,
      user: 'save-to-notion',
      team_id: g.teamId,
      user_id: g.botUserId,
      bot_id: g.botId,
      ...(g.enterpriseId ? { enterprise_id: g.enterpriseId } : {}),
      is_enterprise_install: g.isEnterpriseInstall,
    }),
    'chat.postMessage': (args, g) => {
      const channel = resolveChannel(args.channel);
      if (!hasText(args)) throw new ApiError('no_text');
      checkBlocks(args);
      const ts = nextTs();
      const threadTs = str(args.thread_ts);
      delivered.push({
        via: 'chat.postMessage',
        channel,
        ts,
        text: str(args.text),
        blocks: args.blocks as unknown[] | undefined,
        threadTs,
        teamId: g.teamId,
      });
      return {
        ok: true,
        channel,
        ts,
        message: {
          type: 'message',
          subtype: undefined,
          text: args.text ?? '',
          user: g.botUserId,
          bot_id: g.botId,
          ts,
          team: g.teamId,
          ...(args.blocks ? { blocks: args.blocks } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
        },
      };
    },
    'chat.postEphemeral': (args, g) => {
      const channel = resolveChannel(args.channel);
      const user = str(args.user);
      if (!user || !ID.test(user)) throw new ApiError('user_not_in_channel');
      if (!hasText(args)) throw new ApiError('no_text');
      checkBlocks(args);
      const ts = nextTs();
      delivered.push({
        via: 'chat.postEphemeral',
        channel,
        user,
        ts,
        text: str(args.text),
        blocks: args.blocks as unknown[] | undefined,
        teamId: g.teamId,
      });
      return { ok: true, message_ts: ts };
    },
    'chat.update': (args, g) => {
      const channel = resolveChannel(args.channel);
      const ts = str(args.ts);
      if (!ts) throw new ApiError('invalid_arguments');
      const found = delivered.find((m) => m.via === 'chat.postMessage' && m.channel === channel && m.ts === ts);
      if (!found) throw new ApiError('message_not_found');
      if (!hasText(args)) throw new ApiError('no_text');
      checkBlocks(args);
      found.text = str(args.text);
      found.blocks = args.blocks as unknown[] | undefined;
      return {
        ok: true,
        channel,
        ts,
        text: args.text ?? '',
        message: { type: 'message', text: args.text ?? '', user: g.botUserId, bot_id: g.botId },
      };
    },
    'conversations.open': (args) => {
      const users =
        str(args.users)
          ?.split(',')
          .map((u) => u.trim())
          .filter(Boolean) ?? [];
      const channelArg = str(args.channel);
      if (channelArg) {
        if (!isIm(channelArg)) throw new ApiError('channel_not_found');
        return { ok: true, channel: { id: channelArg } };
      }
      if (users.length === 0) throw new ApiError('users_list_not_supplied');
      if (users.length > 8) throw new ApiError('too_many_users');
      if (users.some((u) => !/^[UW]/.test(u) || !ID.test(u))) throw new ApiError('user_not_found');
      if (users.length > 1) return { ok: true, channel: { id: `G${randomBytes(5).toString('hex').toUpperCase()}` } };
      const existed = ims.has(users[0]!);
      return {
        ok: true,
        ...(existed ? { already_open: true, no_op: true } : {}),
        channel: { id: imChannelFor(users[0]!) },
      };
    },
    'views.open': (args) => {
      const trigger = str(args.trigger_id);
      if (!trigger || !TRIGGER_ID.test(trigger)) throw new ApiError('invalid_trigger_id');
      // A trigger opens one view; Slack refuses a second use.
      if (openedViews.some((o) => o.triggerId === trigger)) throw new ApiError('exchanged_trigger_id');
      const view = checkModal(args.view);
      const id = `V${randomBytes(5).toString('hex').toUpperCase()}`;
      openedViews.push({ id, triggerId: trigger, view });
      return {
        ok: true,
        view: {
          ...view,
          id,
          team_id: teamId,
          app_id: 'A0SANDBOX',
          bot_id: botId,
          state: { values: {} },
          hash: randomBytes(8).toString('hex'),
        },
      };
    },
    'views.publish': (args, g) => {
      const userId = str(args.user_id);
      if (!userId) throw new ApiError('invalid_arguments');
      if (!ID.test(userId)) throw new ApiError('user_not_found');
      const view = args.view;
      if (view === null || typeof view !== 'object') throw new ApiError('invalid_arguments');
      const v = view as { type?: unknown; blocks?: unknown };
      if (v.type !== 'home') throw new ApiError('invalid_arguments');
      if (!Array.isArray(v.blocks) || v.blocks.length > 100) throw new ApiError('invalid_arguments');
      return {
        ok: true,
        view: {
          id: `V${randomBytes(5).toString('hex').toUpperCase()}`,
          team_id: g.teamId,
          type: 'home',
          blocks: v.blocks,
          app_id: 'A0SANDBOX',
          bot_id: g.botId,
        },
      };
    },
  };

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    contentType = 'application/json; charset=utf-8',
  ): void => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> => {
    let args: Args;
    try {
      args = parseArgs(String(req.headers['content-type'] ?? ''), await readBody(req), url.searchParams);
    } catch (err) {
      send(res, 200, { ok: false, error: err instanceof ApiError ? err.error : 'invalid_arguments' });
      return;
    }
    const auth = req.headers.authorization;
    const bearer =
      typeof auth === 'string' && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : undefined;
    const token = bearer ?? str(args.token);
    delete args.token;
    // The grant the call ran with, once its token was checked (a holder: `record` reads it later).
    const seen: { grant?: SandboxGrant | undefined } = {};
    const record = (answer: Answer) => {
      calls.push({
        method,
        args,
        ok: answer.ok,
        error: answer.error,
        teamId: seen.grant?.teamId,
        enterpriseId: seen.grant?.enterpriseId,
      });
      send(res, 200, answer);
    };
    if (method === 'oauth.v2.access') {
      // Client credentials, no token: as form fields (Bolt's InstallProvider) or HTTP Basic.
      const basic =
        typeof auth === 'string' && /^Basic\s+/i.test(auth)
          ? Buffer.from(auth.replace(/^Basic\s+/i, ''), 'base64').toString('utf8')
          : undefined;
      const basicAuth = basic?.includes(':')
        ? { id: basic.slice(0, basic.indexOf(':')), secret: basic.slice(basic.indexOf(':') + 1) }
        : undefined;
      const recorded = { ...args };
      for (const k of ['client_secret', 'code', 'refresh_token']) if (k in recorded) recorded[k] = '[redacted]';
      try {
        const answer = installs.access(args, basicAuth) as Answer;
        calls.push({ method, args: recorded, ok: true });
        send(res, 200, answer);
      } catch (err) {
        const error = err instanceof OAuthFailure ? err.error : 'internal_error';
        calls.push({ method, args: recorded, ok: false, error });
        send(res, 200, { ok: false, error });
      }
      return;
    }
    const handler = methods[method];
    if (!handler) return record({ ok: false, error: 'unknown_method' });
    if (method === 'api.test')
      return record(handler(args, { kind: 'bot', isEnterpriseInstall: false, botUserId, botId, revoked: false }));
    // apps.connections.open takes the app-level token, every other method a bot token.
    const checked = installs.check(token, method === 'apps.connections.open' ? 'app' : 'bot');
    if (typeof checked === 'string') return record({ ok: false, error: checked });
    seen.grant = checked;
    try {
      record(handler(args, checked));
    } catch (err) {
      record({ ok: false, error: err instanceof ApiError ? err.error : 'internal_error' });
    }
  };

  const handleResponseUrl = async (req: IncomingMessage, res: ServerResponse, id: string): Promise<void> => {
    const entry = responseUrls.get(id);
    if (req.method !== 'POST') return send(res, 405, 'method_not_allowed', 'text/plain');
    const raw = await readBody(req).catch(() => undefined);
    if (!entry || entry.expires < Date.now()) return send(res, 404, 'expired_url', 'text/plain');
    if (entry.uses >= RESPONSE_URL_USES) return send(res, 404, 'used_url', 'text/plain');
    if (!String(req.headers['content-type'] ?? '').includes('application/json'))
      return send(res, 400, 'invalid_payload', 'text/plain');
    let body: RecordedResponse['body'];
    try {
      const parsed: unknown = JSON.parse(raw ?? '');
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as RecordedResponse['body'];
    } catch {
      return send(res, 400, 'invalid_payload', 'text/plain');
    }
    if (body.response_type !== undefined && body.response_type !== 'ephemeral' && body.response_type !== 'in_channel') {
      return send(res, 400, 'invalid_response_type', 'text/plain');
    }
    for (const flag of ['replace_original', 'delete_original'] as const) {
      const v = body[flag] as unknown;
      if (v !== undefined && typeof v !== 'boolean' && v !== 'true' && v !== 'false')
        return send(res, 400, 'invalid_payload', 'text/plain');
    }
    if (body.blocks !== undefined && messageBlocksError(body.blocks))
      return send(res, 400, 'invalid_blocks', 'text/plain');
    const deleting = body.delete_original === true || (body.delete_original as unknown) === 'true';
    if (!deleting && !str(body.text) && !(Array.isArray(body.blocks) && body.blocks.length > 0))
      return send(res, 400, 'no_text', 'text/plain');
    entry.uses += 1;
    responses.push({ id, userId: entry.userId, channelId: entry.channelId, body });
    delivered.push({
      via: 'response_url',
      channel: entry.channelId,
      user: entry.userId,
      text: str(body.text),
      blocks: body.blocks,
    });
    send(res, 200, 'ok', 'text/html');
  };

  /** Slack's authorize page: GET shows the choice, POST (the form) redirects back with a code or `access_denied`. */
  const handleAuthorize = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'POST') return send(res, 405, 'method_not_allowed', 'text/plain');
    const params = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
    const answer = installs.authorize(req.method, params);
    if (answer.location) {
      res.writeHead(302, { location: answer.location, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    send(res, answer.status, answer.html ?? '', 'text/html; charset=utf-8');
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api = /^\/api\/([A-Za-z][\w.]*)$/.exec(url.pathname);
    const hook = /^\/response\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    const work = api
      ? handleApi(req, res, url, api[1]!)
      : url.pathname === '/oauth/v2/authorize'
        ? handleAuthorize(req, res, url)
        : hook
          ? handleResponseUrl(req, res, hook[1]!)
          : Promise.resolve(send(res, 404, { ok: false, error: 'not_found' }));
    work.catch(() => {
      if (!res.headersSent) send(res, 500, { ok: false, error: 'internal_error' });
    });
  });
  // Socket Mode: the URL apps.connections.open returns; one connection at a time, like a single app instance.
  const wss = new WebSocketServer({ noServer: true });
  let socket: WebSocket | undefined;
  const pendingAcks = new Map<string, (ack: { envelope_id: string; payload?: unknown }) => void>();
  server.on('upgrade', (req, sock, head) => {
    if (!(req.url ?? '').startsWith('/link/')) {
      sock.destroy();
      return;
    }
    wss.handleUpgrade(req, sock, head, (ws) => {
      socket = ws;
      ws.on('message', (data) => {
        try {
          const ack = JSON.parse(String(data)) as { envelope_id?: unknown; payload?: unknown };
          if (typeof ack.envelope_id === 'string')
            pendingAcks.get(ack.envelope_id)?.({ envelope_id: ack.envelope_id, payload: ack.payload });
        } catch {
          // Not JSON: real Slack ignores it too.
        }
      });
      ws.on('close', () => {
        if (socket === ws) socket = undefined;
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'sandbox', approximate_connection_time: 18060 },
          connection_info: { app_id: 'A0SANDBOX' },
        }),
      );
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    authorizeUrl: `${base}/oauth/v2/authorize`,
    registerRedirectUri: (uri) => installs.registerRedirectUri(uri),
    installations: () =>
      [...installs.grants.values()]
        .filter((g) => g.kind === 'bot')
        .map((g) => ({
          teamId: g.teamId,
          enterpriseId: g.enterpriseId,
          isEnterpriseInstall: g.isEnterpriseInstall,
          botUserId: g.botUserId,
          botId: g.botId,
          revoked: g.revoked,
        })),
    uninstall: (id) => installs.uninstall(id),
    issuedTokens: () => installs.issued,
    refreshCount: () => installs.refreshCount,
    addWorkspace: (ws) => installs.addWorkspace(ws),
    openedViews,
    apiUrl: `${base}/api/`,
    responseUrlBase: `${base}/response/`,
    teamId,
    botUserId,
    botId,
    calls,
    responses,
    newResponseUrl(opts = {}) {
      const id = randomBytes(12).toString('base64url');
      responseUrls.set(id, {
        uses: 0,
        expires: Date.now() + RESPONSE_URL_TTL_MS,
        userId: opts.userId,
        channelId: opts.channelId,
      });
      return `${base}/response/${id}`;
    },
    imChannelFor,
    messagesTo(target) {
      const im = /^[UW]/.test(target) ? ims.get(target) : undefined;
      return delivered.filter(
        (m) =>
          m.channel === target ||
          (im !== undefined && m.channel === im) ||
          (m.via !== 'chat.postMessage' && m.user === target),
      );
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    socketConnected: () => socket !== undefined && socket.readyState === socket.OPEN,
    sendEnvelope(type, payload, opts = {}) {
      const ws = socket;
      if (!ws || ws.readyState !== ws.OPEN) return Promise.reject(new Error('no Socket Mode connection'));
      const envelopeId = `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}-${randomBytes(6).toString('hex')}`;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pendingAcks.delete(envelopeId);
          reject(new Error(`no ack for ${type} envelope within ${opts.timeoutMs ?? 3000} ms`));
        }, opts.timeoutMs ?? 3000);
        pendingAcks.set(envelopeId, (ack) => {
          clearTimeout(timer);
          pendingAcks.delete(envelopeId);
          resolve(ack);
        });
        ws.send(
          JSON.stringify({
            envelope_id: envelopeId,
            payload,
            type,
            accepts_response_payload: type !== 'events_api',
            ...(type === 'events_api'
              ? { retry_attempt: opts.retryAttempt ?? 0, retry_reason: opts.retryReason ?? '' }
              : {}),
          }),
        );
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

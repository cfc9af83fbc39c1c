/**
 * A local Discord for tests: the REST API routes discord.js and our scripts use, and
 * a gateway WebSocket (`./discord/gateway.ts`), on one port-0 server. Point the real
 * discord.js client at it with `rest: { api: fake.apiUrl }` (the product does that
 * from DISCORD_API_URL); the gateway URL then comes from `GET /gateway/bot` as in
 * production. Every answer, error code and limit follows discord-api-docs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway } from './gateway.js';
import { interactionToken, snowflake } from './ids.js';
import {
  channelObject,
  memberObject,
  messageObject,
  userObject,
  type APIEmbedLike,
  type FakeChannel,
  type FakeMessage,
  type FakeUser,
} from './objects.js';
import { formErrors, isEmptyMessage, validateCommands, validateMessage, type Issue } from './validate.js';

export { tweetEmbed, type APIEmbedLike, type FakeMessage, type FakeUser } from './objects.js';
export { PRIVILEGED_INTENTS } from './gateway.js';

/** GatewayIntentBits.DirectMessages: without it Discord sends no DM MESSAGE_CREATE. */
const INTENT_DIRECT_MESSAGES = 1 << 12;
const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;

export interface FakeDiscordOptions {
  token?: string;
  applicationId?: string;
  botUsername?: string;
  heartbeatInterval?: number;
  /** Privileged intents enabled "in the portal"; none by default, like a new application. */
  allowedPrivilegedIntents?: number;
  /** Discord invalidates the interaction token when no initial response came within 3 s. */
  ackDeadlineMs?: number;
}

export interface RegisteredCommand {
  id: string;
  application_id: string;
  version: string;
  type: number;
  name: string;
  description: string;
  options?: { type: number; name: string; description: string; required?: boolean; max_length?: number }[];
  contexts?: number[] | null;
  integration_types?: number[];
  default_member_permissions: string | null;
  nsfw: boolean;
  guild_id?: string;
}

export interface CommandPut {
  scope: 'global' | 'guild';
  guildId?: string | undefined;
  body: unknown;
  status: number;
}

export interface CallbackRecord {
  interactionId: string;
  type: number;
  data: Record<string, unknown> | undefined;
  flags: number;
  /** Time from dispatch to this callback. */
  elapsedMs: number;
  status: number;
  /** Discord's error code when the callback was refused (10062, 40060, 50035). */
  errorCode?: number | undefined;
}

export interface EditRecord {
  interactionId: string;
  messageId: string;
  body: Record<string, unknown>;
  /** The message after the edit. */
  message: FakeMessage;
}

export interface DmRecord {
  userId: string;
  channelId: string;
  message: FakeMessage;
}

interface InteractionState {
  id: string;
  token: string;
  type: number;
  user: FakeUser;
  channelId: string;
  guildId: string | undefined;
  dispatchedAt: number;
  acknowledged: boolean;
  callbackType?: number;
  /** @original: the response message, or for deferUpdate/update the component's message. */
  original?: FakeMessage;
  source?: FakeMessage;
  followUps: FakeMessage[];
}

type Where = {
  /** Default 'guild' (the fake's server and #general). */
  in?: 'guild' | 'dm';
};

export type InteractionSpec =
  | ({ kind: 'chat_input'; name: string; user: FakeUser; options?: Record<string, string | number | boolean> } & Where)
  | ({ kind: 'message'; name: string; user: FakeUser; target: { content?: string; embeds?: APIEmbedLike[]; author?: FakeUser } } & Where)
  | { kind: 'select'; customId: string; values: string[]; user: FakeUser; message: FakeMessage }
  | {
      kind: 'button';
      customId: string;
      user: FakeUser;
      /** The message the button is on (matched by id: the click sees the message as it is now). */
      message: FakeMessage;
      /**
       * Discord only lets people click what they can see: the owner of an ephemeral message, the
       * recipient of a DM. `skipVisibilityCheck` drops that rule to stand for a message others can
       * see or a hand-made request, so a test can show the bot's own ownership check holds.
       */
      skipVisibilityCheck?: boolean;
    };

export interface DispatchedInteraction {
  id: string;
  token: string;
  payload: Record<string, unknown>;
}

class HttpError {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {}
}

const unauthorized = () => new HttpError(401, { message: '401: Unauthorized', code: 0 });
const missingAccess = () => new HttpError(403, { message: 'Missing Access', code: 50001 });
const invalidForm = (issues: Issue[]) => new HttpError(400, { message: 'Invalid Form Body', code: 50035, errors: formErrors(issues) });

export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: FakeUser;
  /** The one server the bot is in, with its #general channel. */
  readonly guild = { id: snowflake(), channelId: snowflake(), name: 'Test Server' };
  readonly gateway: FakeGateway;

  readonly commandPuts: CommandPut[] = [];
  readonly globalCommands: RegisteredCommand[] = [];
  readonly guildCommands = new Map<string, RegisteredCommand[]>();
  readonly callbacks: CallbackRecord[] = [];
  readonly originalEdits: EditRecord[] = [];
  readonly followUps: EditRecord[] = [];
  /** Messages the bot posted in DM channels (not interaction responses). */
  readonly dms: DmRecord[] = [];
  /** Method and route of every REST request, tokens replaced by `:token`. */
  readonly requests: { method: string; route: string; status: number; auth: 'bot' | 'none' | 'bad' }[] = [];

  private readonly ackDeadlineMs: number;
  private readonly users = new Map<string, FakeUser>();
  private readonly channels = new Map<string, { channel: FakeChannel; messages: FakeMessage[] }>();
  private readonly dmChannelOf = new Map<string, string>();
  private readonly blocked = new Map<string, number>();
  private readonly interactions = new Map<string, InteractionState>();
  private server: Server | undefined;
  private base = '';

  constructor(options: FakeDiscordOptions = {}) {
    this.applicationId = options.applicationId ?? snowflake();
    this.token = options.token ?? `${Buffer.from(this.applicationId).toString('base64url')}.GfAkE0.fake-bot-token-${snowflake()}`;
    this.ackDeadlineMs = options.ackDeadlineMs ?? 3000;
    this.botUser = userObject({ id: this.applicationId, username: options.botUsername ?? 'Save to Notion', bot: true });
    this.users.set(this.botUser.id, this.botUser);
    this.channels.set(this.guild.channelId, {
      channel: { id: this.guild.channelId, type: 0, guild_id: this.guild.id, name: 'general' },
      messages: [],
    });
    this.gateway = new FakeGateway({
      token: this.token,
      botUser: this.botUser,
      applicationId: this.applicationId,
      heartbeatInterval: options.heartbeatInterval ?? 41250,
      allowedPrivilegedIntents: options.allowedPrivilegedIntents ?? 0,
      baseUrl: () => this.base,
    });
  }

  /** `DISCORD_API_URL` for the product: discord.js appends `/v10/...`. */
  get apiUrl(): string {
    return `${this.base}/api`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    server.on('upgrade', (req, socket, head) => this.gateway.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.gateway.close();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- test controls -------------------------------------------------------------------

  /** A Discord user (a person, unless `bot`). */
  user(username: string, init: { bot?: boolean; id?: string } = {}): FakeUser {
    const user = userObject({ username, globalName: username[0]!.toUpperCase() + username.slice(1), ...init });
    this.users.set(user.id, user);
    return user;
  }

  /** From now on, DMs to this user fail with 403 `code` (50007: DMs closed; 50278: no mutual server). */
  blockDms(userId: string, code: 50007 | 50278 = 50007): void {
    this.blocked.set(userId, code);
  }

  unblockDms(userId: string): void {
    this.blocked.delete(userId);
  }

  dmsTo(userId: string): DmRecord[] {
    return this.dms.filter((d) => d.userId === userId);
  }

  /** The current state of an interaction's @original message, if there is one. */
  original(interactionId: string): FakeMessage | undefined {
    return this.interactions.get(interactionId)?.original;
  }

  callbacksFor(interactionId: string): CallbackRecord[] {
    return this.callbacks.filter((c) => c.interactionId === interactionId);
  }

  /** The registered command a client would see in `guildId` (guild commands shadow global ones). */
  findCommand(name: string, type: number, guildId?: string): RegisteredCommand | undefined {
    const inGuild = guildId ? this.guildCommands.get(guildId) ?? [] : [];
    return [...inGuild, ...this.globalCommands].find((c) => c.name === name && c.type === type);
  }

  private dmChannelFor(user: FakeUser): FakeChannel {
    const existing = this.dmChannelOf.get(user.id);
    if (existing) return this.channels.get(existing)!.channel;
    const channel: FakeChannel = { id: snowflake(), type: 1, recipient: user };
    this.channels.set(channel.id, { channel, messages: [] });
    this.dmChannelOf.set(user.id, channel.id);
    return channel;
  }

  private lastMessageId(channelId: string): string | null {
    return this.channels.get(channelId)?.messages.at(-1)?.id ?? null;
  }

  /**
   * Sends INTERACTION_CREATE as Discord does for a slash command, a message command
   * (with `data.target_id` and `data.resolved.messages`), a pick in a select menu, or a button
   * click (MESSAGE_COMPONENT: type 3, `component_type` 2, the clicked `message`). Commands must
   * have been registered and components must be on the message (Discord only offers those).
   */
  dispatchInteraction(spec: InteractionSpec): DispatchedInteraction {
    this.users.set(spec.user.id, spec.user);
    const id = snowflake();
    const token = interactionToken();
    const clicked = spec.kind === 'select' || spec.kind === 'button' ? this.clickableMessage(spec) : undefined;
    const inDm = clicked ? this.channels.get(clicked.channel_id)?.channel.type === 1 : spec.kind !== 'select' && spec.kind !== 'button' && spec.in === 'dm';
    const channel =
      clicked
        ? this.channels.get(clicked.channel_id)!.channel
        : inDm
          ? this.dmChannelFor(spec.user)
          : this.channels.get(this.guild.channelId)!.channel;
    const guildId = inDm ? undefined : this.guild.id;

    let type: number;
    let data: Record<string, unknown>;
    let message: FakeMessage | undefined;
    if (spec.kind === 'chat_input') {
      type = 2;
      const command = this.findCommand(spec.name, 1, guildId);
      if (!command) throw new Error(`fake discord: /${spec.name} is not registered`);
      const options = Object.entries(spec.options ?? {}).map(([name, value]) => {
        const def = command.options?.find((o) => o.name === name);
        if (!def) throw new Error(`fake discord: /${spec.name} has no option "${name}"`);
        return { name, type: def.type, value };
      });
      for (const def of command.options ?? []) {
        if (def.required && !(def.name in (spec.options ?? {}))) throw new Error(`fake discord: /${spec.name} needs "${def.name}" (Discord enforces required options)`);
      }
      data = { id: command.id, name: command.name, type: 1, ...(options.length ? { options } : {}), ...(command.guild_id ? { guild_id: command.guild_id } : {}) };
    } else if (spec.kind === 'message') {
      type = 2;
      const command = this.findCommand(spec.name, 3, guildId);
      if (!command) throw new Error(`fake discord: message command "${spec.name}" is not registered`);
      const author = spec.target.author ?? this.user('someone');
      const target = messageObject({ channelId: channel.id, guildId, author, content: spec.target.content ?? '', embeds: spec.target.embeds ?? [] });
      this.channels.get(channel.id)?.messages.push(target);
      data = {
        id: command.id,
        name: command.name,
        type: 3,
        target_id: target.id,
        resolved: { messages: { [target.id]: target } },
        ...(command.guild_id ? { guild_id: command.guild_id } : {}),
      };
    } else if (spec.kind === 'select') {
      type = 3;
      message = clicked;
      data = { custom_id: spec.customId, component_type: 3, values: spec.values };
    } else {
      type = 3;
      message = clicked;
      data = { custom_id: spec.customId, component_type: 2 };
    }

    const payload: Record<string, unknown> = {
      id,
      application_id: this.applicationId,
      type,
      data,
      token,
      version: 1,
      channel: channelObject(channel, this.lastMessageId(channel.id)),
      channel_id: channel.id,
      app_permissions: '2248473465835073',
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId ?? '0' },
      context: inDm ? 1 : 0,
      attachment_size_limit: 10485760,
      ...(guildId
        ? { guild_id: guildId, guild: { id: guildId, locale: 'en-US', features: [] }, guild_locale: 'en-US', member: memberObject(spec.user) }
        : { user: spec.user }),
      ...(message ? { message: structuredClone(message) } : {}),
    };
    this.interactions.set(id, {
      id,
      token,
      type,
      user: spec.user,
      channelId: channel.id,
      guildId,
      dispatchedAt: Date.now(),
      acknowledged: false,
      source: message,
      followUps: [],
    });
    this.gateway.dispatch('INTERACTION_CREATE', payload);
    return { id, token, payload };
  }

  /** Every message the fake knows, as it is now: channel messages, interaction responses and follow-ups. */
  private findMessage(id: string): FakeMessage | undefined {
    for (const { messages } of this.channels.values()) {
      const found = messages.find((m) => m.id === id);
      if (found) return found;
    }
    for (const s of this.interactions.values()) {
      if (s.original?.id === id) return s.original;
      const found = s.followUps.find((m) => m.id === id);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The live message a select or button interaction is on, refusing what Discord's client could
   * not send: an unknown message, a component that is not on it (or a link button, which opens
   * its URL instead), a value the menu does not offer, a disabled component, or a message the
   * user cannot see (someone else's ephemeral message or DM).
   */
  private clickableMessage(spec: Extract<InteractionSpec, { kind: 'select' | 'button' }>): FakeMessage {
    const message = this.findMessage(spec.message.id);
    if (!message) throw new Error(`fake discord: message ${spec.message.id} does not exist`);
    const all = (message.components as { components?: Record<string, unknown>[] }[]).flatMap((row) => row.components ?? []);
    const component = all.find((c) => c.custom_id === spec.customId);
    const wanted = spec.kind === 'button' ? 2 : 3;
    if (!component || component.type !== wanted) throw new Error(`fake discord: the message has no ${spec.kind} "${spec.customId}"`);
    if (component.disabled === true) throw new Error(`fake discord: "${spec.customId}" is disabled`);
    if (spec.kind === 'select') {
      const offered = new Set(((component.options as { value: string }[] | undefined) ?? []).map((o) => o.value));
      if (spec.values.some((v) => !offered.has(v))) throw new Error(`fake discord: the menu does not offer ${spec.values.join(', ')}`);
    }
    const skip = spec.kind === 'button' && spec.skipVisibilityCheck === true;
    if (!skip) {
      const owner = (message.interaction_metadata?.user as FakeUser | undefined)?.id;
      if (message.flags & EPHEMERAL && owner !== spec.user.id) throw new Error(`fake discord: ${spec.user.username} cannot see another user's ephemeral message`);
      const channel = this.channels.get(message.channel_id)?.channel;
      if (channel?.type === 1 && channel.recipient?.id !== spec.user.id) throw new Error(`fake discord: ${spec.user.username} cannot see another user's DMs`);
    }
    return message;
  }

  /**
   * A user writes to the bot in their DM channel (MESSAGE_CREATE, `channel_type` 1).
   * `forward` makes it a forwarded message: empty content, a FORWARD reference and a
   * snapshot holding the original's content and embeds.
   */
  dispatchDirectMessage(init: {
    user: FakeUser;
    content?: string;
    embeds?: APIEmbedLike[];
    forward?: { content?: string; embeds?: APIEmbedLike[] };
  }): FakeMessage {
    this.users.set(init.user.id, init.user);
    const channel = this.dmChannelFor(init.user);
    const message = messageObject({ channelId: channel.id, author: init.user, content: init.content ?? '', embeds: init.embeds ?? [] });
    if (init.forward) {
      message.message_reference = { type: 1, channel_id: this.guild.channelId, guild_id: this.guild.id, message_id: snowflake() };
      message.message_snapshots = [
        {
          message: {
            type: 0,
            content: init.forward.content ?? '',
            embeds: init.forward.embeds ?? [],
            attachments: [],
            timestamp: new Date().toISOString(),
            edited_timestamp: null,
            flags: 0,
            mentions: [],
            mention_roles: [],
            components: [],
          },
        },
      ];
    }
    this.channels.get(channel.id)!.messages.push(message);
    const delivered = this.gateway.dispatch('MESSAGE_CREATE', { ...message, channel_type: 1 }, INTENT_DIRECT_MESSAGES);
    if (!delivered) throw new Error('fake discord: the bot did not subscribe to DIRECT_MESSAGES, so Discord would not deliver this DM');
    return message;
  }

  /** Delivers the same MESSAGE_CREATE again (as after a resume or a retry): the bot must act once. */
  redeliverMessage(message: FakeMessage): void {
    this.gateway.dispatch('MESSAGE_CREATE', { ...message, channel_type: 1 }, INTENT_DIRECT_MESSAGES);
  }

  // ---- REST ---------------------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const method = (req.method ?? 'GET').toUpperCase();
    const authHeader = req.headers.authorization;
    const auth = authHeader === undefined ? 'none' : authHeader === `Bot ${this.token}` ? 'bot' : 'bad';
    const route = url.pathname.replace(/\/(interactions\/\d+|webhooks\/\d+)\/[^/]+/, '/$1/:token');
    let status = 500;
    try {
      const body = await readJson(req);
      const m = /^\/api\/v(\d+)(\/.*)$/.exec(url.pathname);
      if (!m || m[1] !== '10') throw new HttpError(404, { message: '404: Not Found', code: 0 });
      const answer = this.route(method, decodeURIComponent(m[2]!), url, body, auth);
      status = answer.status;
      res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    } catch (err) {
      const e = err instanceof HttpError ? err : new HttpError(500, { message: `fake discord: ${String(err)}`, code: 0 });
      status = e.status;
      res.writeHead(e.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(e.body));
    } finally {
      this.requests.push({ method, route, status, auth });
    }
  }

  private route(method: string, path: string, url: URL, body: unknown, auth: 'bot' | 'none' | 'bad'): { status: number; body?: unknown } {
    const bot = () => {
      if (auth !== 'bot') throw unauthorized();
    };
    let m: RegExpExecArray | null;

    if (path === '/gateway/bot' && method === 'GET') {
      bot();
      return {
        status: 200,
        body: {
          url: `${this.base.replace(/^http/, 'ws')}/gateway`,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        },
      };
    }
    if (path === '/gateway' && method === 'GET') return { status: 200, body: { url: `${this.base.replace(/^http/, 'ws')}/gateway` } };
    if (path === '/users/@me' && method === 'GET') {
      bot();
      return { status: 200, body: { ...this.botUser, verified: true, mfa_enabled: false, flags: 0, email: null } };
    }
    if (path === '/applications/@me' && method === 'GET') {
      bot();
      return {
        status: 200,
        body: { id: this.applicationId, name: this.botUser.username, icon: null, description: '', bot_public: true, bot_require_code_grant: false, flags: 0, bot: this.botUser, team: null, verify_key: '0'.repeat(64) },
      };
    }
    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path))) {
      bot();
      return this.commands(method, m[1]!, m[2], body);
    }
    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path)) && method === 'POST') {
      return this.callback(m[1]!, m[2]!, body, url.searchParams.get('with_response') === 'true');
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/.exec(path))) {
      return this.webhook(method, m[1]!, m[2]!, m[3], body);
    }
    if (path === '/users/@me/channels' && method === 'POST') {
      bot();
      const recipient = (body as { recipient_id?: unknown } | undefined)?.recipient_id;
      const user = typeof recipient === 'string' ? this.users.get(recipient) : undefined;
      if (!user) throw new HttpError(400, { message: 'Unknown User', code: 10013 });
      const channel = this.dmChannelFor(user);
      return { status: 200, body: channelObject(channel, this.lastMessageId(channel.id)) };
    }
    if ((m = /^\/channels\/(\d+)(\/messages|\/typing)?$/.exec(path))) {
      bot();
      const entry = this.channels.get(m[1]!);
      if (!entry) throw new HttpError(404, { message: 'Unknown Channel', code: 10003 });
      if (!m[2] && method === 'GET') return { status: 200, body: channelObject(entry.channel, this.lastMessageId(entry.channel.id)) };
      if (m[2] === '/typing' && method === 'POST') return { status: 204 };
      if (m[2] === '/messages' && method === 'POST') return this.createChannelMessage(entry, body);
    }
    throw new HttpError(404, { message: '404: Not Found', code: 0 });
  }

  private commands(method: string, appId: string, guildId: string | undefined, body: unknown): { status: number; body?: unknown } {
    if (appId !== this.applicationId) throw missingAccess();
    // The bot is only in its one server; elsewhere Discord answers 403 Missing Access.
    if (guildId !== undefined && guildId !== this.guild.id) throw missingAccess();
    const list = guildId ? (this.guildCommands.get(guildId) ?? []) : this.globalCommands;
    if (method === 'GET') return { status: 200, body: list };
    if (method !== 'PUT') throw new HttpError(405, { message: '405: Method Not Allowed', code: 0 });
    const issues = validateCommands(body);
    this.commandPuts.push({ scope: guildId ? 'guild' : 'global', guildId, body, status: issues.length ? 400 : 200 });
    if (issues.length) throw invalidForm(issues);
    const next = (body as Record<string, unknown>[]).map((raw) => {
      const type = (raw.type as number | undefined) ?? 1;
      // A bulk overwrite keeps the id of a command that still exists (same name and type).
      const before = list.find((c) => c.name === raw.name && c.type === type);
      const cmd: RegisteredCommand = {
        id: before?.id ?? snowflake(),
        application_id: this.applicationId,
        version: snowflake(),
        type,
        name: raw.name as string,
        description: type === 1 ? (raw.description as string) : '',
        ...(type === 1 ? { options: (raw.options as RegisteredCommand['options']) ?? [] } : {}),
        contexts: (raw.contexts as number[] | undefined) ?? null,
        integration_types: (raw.integration_types as number[] | undefined) ?? [0],
        default_member_permissions: (raw.default_member_permissions as string | undefined) ?? null,
        nsfw: (raw.nsfw as boolean | undefined) ?? false,
        ...(guildId ? { guild_id: guildId } : {}),
      };
      return cmd;
    });
    list.splice(0, list.length, ...next);
    if (guildId) this.guildCommands.set(guildId, list);
    return { status: 200, body: next };
  }

  private callback(id: string, token: string, body: unknown, withResponse: boolean): { status: number; body?: unknown } {
    const state = this.interactions.get(id);
    const b = (body ?? {}) as { type?: unknown; data?: Record<string, unknown> };
    const record: CallbackRecord = {
      interactionId: id,
      type: typeof b.type === 'number' ? b.type : -1,
      data: b.data,
      flags: typeof b.data?.flags === 'number' ? b.data.flags : 0,
      elapsedMs: state ? Date.now() - state.dispatchedAt : -1,
      status: 204,
    };
    this.callbacks.push(record);
    const refuse = (e: HttpError): never => {
      record.status = e.status;
      record.errorCode = e.body.code as number;
      throw e;
    };
    if (!state || state.token !== token || record.elapsedMs > this.ackDeadlineMs) {
      refuse(new HttpError(404, { message: 'Unknown interaction', code: 10062 }));
    }
    const s = state!;
    if (s.acknowledged) refuse(new HttpError(400, { message: 'Interaction has already been acknowledged.', code: 40060 }));
    const allowed = s.type === 2 ? [4, 5, 9] : [4, 5, 6, 7, 9];
    if (!allowed.includes(record.type)) refuse(invalidForm([{ path: ['type'], code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'Interaction response type is invalid for this interaction' }]));
    if (record.type === 4 || record.type === 7 || record.type === 5) {
      const issues = validateMessage(b.data ?? {}, { allowedFlags: record.type === 5 ? EPHEMERAL : undefined });
      if (issues.length) refuse(invalidForm(issues.map((i) => ({ ...i, path: ['data', ...i.path] }))));
      if (record.type === 4 && isEmptyMessage(b.data ?? {})) refuse(new HttpError(400, { message: 'Cannot send an empty message', code: 50006 }));
    }
    s.acknowledged = true;
    s.callbackType = record.type;
    if (record.type === 4 || record.type === 5) {
      const data = b.data ?? {};
      s.original = messageObject({
        channelId: s.channelId,
        guildId: s.guildId,
        author: this.botUser,
        content: record.type === 4 ? ((data.content as string | undefined) ?? '') : '',
        components: record.type === 4 ? ((data.components as unknown[] | undefined) ?? []) : [],
        flags: (record.flags & EPHEMERAL) | (record.type === 5 ? LOADING : 0),
        type: 20,
      });
      s.original.application_id = this.applicationId;
      s.original.webhook_id = this.applicationId;
      s.original.interaction_metadata = { id: s.id, type: s.type, user: s.user, authorizing_integration_owners: { '0': s.guildId ?? '0' } };
    } else if ((record.type === 6 || record.type === 7) && s.source) {
      s.original = s.source;
      if (record.type === 7) applyEdit(s.original, b.data ?? {});
    }
    if (!withResponse) return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: { id: s.id, type: s.type, response_message_id: s.original?.id, response_message_loading: record.type === 5, response_message_ephemeral: Boolean(record.flags & EPHEMERAL) },
        resource: { type: record.type, ...(s.original ? { message: s.original } : {}) },
      },
    };
  }

  private webhook(method: string, appId: string, token: string, messageId: string | undefined, body: unknown): { status: number; body?: unknown } {
    const state = [...this.interactions.values()].find((s) => s.token === token);
    if (!state || appId !== this.applicationId) throw new HttpError(404, { message: 'Unknown Webhook', code: 10015 });
    if (!state.acknowledged) throw new HttpError(404, { message: 'Unknown Message', code: 10008 });
    if (messageId === undefined) {
      if (method !== 'POST') throw new HttpError(405, { message: '405: Method Not Allowed', code: 0 });
      const b = (body ?? {}) as Record<string, unknown>;
      const issues = validateMessage(b);
      if (issues.length) throw invalidForm(issues);
      if (isEmptyMessage(b)) throw new HttpError(400, { message: 'Cannot send an empty message', code: 50006 });
      const message = messageObject({
        channelId: state.channelId,
        guildId: state.guildId,
        author: this.botUser,
        content: (b.content as string | undefined) ?? '',
        components: (b.components as unknown[] | undefined) ?? [],
        flags: typeof b.flags === 'number' ? b.flags & EPHEMERAL : 0,
      });
      message.application_id = this.applicationId;
      message.webhook_id = this.applicationId;
      message.interaction_metadata = { id: state.id, type: state.type, user: state.user, authorizing_integration_owners: { '0': state.guildId ?? '0' } };
      state.followUps.push(message);
      this.followUps.push({ interactionId: state.id, messageId: message.id, body: b, message });
      return { status: 200, body: message };
    }
    const target = messageId === '@original' ? state.original : [state.original, ...state.followUps].find((x) => x?.id === messageId);
    if (!target) throw new HttpError(404, { message: 'Unknown Message', code: 10008 });
    if (method === 'GET') return { status: 200, body: target };
    if (method === 'DELETE') {
      state.original = messageId === '@original' ? undefined : state.original;
      return { status: 204 };
    }
    if (method !== 'PATCH') throw new HttpError(405, { message: '405: Method Not Allowed', code: 0 });
    const b = (body ?? {}) as Record<string, unknown>;
    // Editing cannot turn an ephemeral message public or the other way round; only SUPPRESS_EMBEDS is settable.
    const issues = validateMessage({ ...b, flags: undefined });
    if (issues.length) throw invalidForm(issues);
    applyEdit(target, b);
    this.originalEdits.push({ interactionId: state.id, messageId: target.id, body: b, message: structuredClone(target) });
    return { status: 200, body: target };
  }

  private createChannelMessage(entry: { channel: FakeChannel; messages: FakeMessage[] }, body: unknown): { status: number; body?: unknown } {
    const { channel } = entry;
    if (channel.type === 1 && channel.recipient) {
      const code = this.blocked.get(channel.recipient.id);
      if (code === 50007) throw new HttpError(403, { message: 'Cannot send messages to this user', code: 50007 });
      if (code === 50278) throw new HttpError(403, { message: 'Cannot send messages to this user due to having no mutual guilds', code: 50278 });
    }
    const b = (body ?? {}) as Record<string, unknown>;
    const issues = validateMessage(b, { allowedFlags: 4 | 4096 | 32768 });
    if (issues.length) throw invalidForm(issues);
    if (isEmptyMessage(b)) throw new HttpError(400, { message: 'Cannot send an empty message', code: 50006 });
    const ref = b.message_reference as { message_id?: string; fail_if_not_exists?: boolean } | undefined;
    if (ref && ref.fail_if_not_exists !== false && !entry.messages.some((x) => x.id === ref.message_id)) {
      throw invalidForm([{ path: ['message_reference'], code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }]);
    }
    const message = messageObject({
      channelId: channel.id,
      guildId: channel.guild_id,
      author: this.botUser,
      content: (b.content as string | undefined) ?? '',
      components: (b.components as unknown[] | undefined) ?? [],
      embeds: (b.embeds as APIEmbedLike[] | undefined) ?? [],
      type: ref ? 19 : 0,
    });
    if (ref) message.message_reference = { type: 0, channel_id: channel.id, message_id: ref.message_id };
    entry.messages.push(message);
    if (channel.type === 1 && channel.recipient) {
      this.dms.push({ userId: channel.recipient.id, channelId: channel.id, message });
      // The bot gets its own DM back as MESSAGE_CREATE, as on Discord (it must ignore it).
      if (this.gateway.connected) this.gateway.dispatch('MESSAGE_CREATE', { ...message, channel_type: 1 }, INTENT_DIRECT_MESSAGES);
    }
    return { status: 200, body: message };
  }
}

function applyEdit(message: FakeMessage, body: Record<string, unknown>): void {
  if (typeof body.content === 'string' || body.content === null) message.content = (body.content as string | null) ?? '';
  if (Array.isArray(body.components)) message.components = body.components;
  if (Array.isArray(body.embeds)) message.embeds = body.embeds as APIEmbedLike[];
  message.flags &= ~LOADING;
  message.edited_timestamp = new Date().toISOString();
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new HttpError(400, { message: 'the fake accepts JSON bodies only', code: 50109 });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, { message: 'The request body contains invalid JSON.', code: 50109 });
  }
}

/** Starts a fake Discord on a free port. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  return new FakeDiscord(options).start();
}

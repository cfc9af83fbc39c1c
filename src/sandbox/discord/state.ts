/**
 * What the Discord emulation knows: the bot, its one server, users, channels and their messages,
 * interactions in flight, registered commands, and the records tests read. The route handlers
 * (`rest-routes.ts`, `interactions.ts`, `messages.ts`, `application-commands.ts`) share one
 * {@link DiscordContext}.
 */
import type { FakeGateway } from './gateway.js';
import { snowflake } from './ids.js';
import { userObject, type FakeChannel, type FakeMessage, type FakeUser } from './objects.js';

/** GatewayIntentBits.DirectMessages: without it Discord sends no DM MESSAGE_CREATE. */
export const INTENT_DIRECT_MESSAGES = 1 << 12;
export const EPHEMERAL = 1 << 6;
export const LOADING = 1 << 7;

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

/** How a REST request authenticated: the bot's token, none, or a wrong one. */
export type Auth = 'bot' | 'none' | 'bad';

export interface RequestRecord {
  method: string;
  route: string;
  status: number;
  auth: Auth;
}

export interface InteractionState {
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

/** A modal the bot answered an interaction with (callback type 9). */
export interface ShownModal {
  interactionId: string;
  customId: string;
  title: string;
  /** Text inputs in order: custom_id, label, style (1 short, 2 paragraph). */
  inputs: { customId: string; label: string; style: number; required: boolean }[];
  /** The message whose button opened it, when one did. */
  message?: FakeMessage | undefined;
  channelId: string;
  guildId?: string | undefined;
}

/** A channel and its messages, oldest first. */
export interface ChannelEntry {
  channel: FakeChannel;
  messages: FakeMessage[];
}

/** The emulation's data and the lookups every handler needs. */
export class DiscordState {
  /** The one server the bot is in, with its #general channel. */
  readonly guild = { id: snowflake(), channelId: snowflake(), name: 'Test Server' };
  readonly botUser: FakeUser;

  readonly commandPuts: CommandPut[] = [];
  readonly globalCommands: RegisteredCommand[] = [];
  readonly guildCommands = new Map<string, RegisteredCommand[]>();
  readonly callbacks: CallbackRecord[] = [];
  /** Modals the bot showed (callback type 9), in order. */
  readonly modals: ShownModal[] = [];
  readonly originalEdits: EditRecord[] = [];
  readonly followUps: EditRecord[] = [];
  /** Messages the bot posted in DM channels (not interaction responses). */
  readonly dms: DmRecord[] = [];
  /** Method and route of every REST request, tokens replaced by `:token`. */
  readonly requests: RequestRecord[] = [];

  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, ChannelEntry>();
  /** DMs to these users fail with this code (50007 or 50278). */
  readonly blocked = new Map<string, number>();
  readonly interactions = new Map<string, InteractionState>();
  private readonly dmChannelOf = new Map<string, string>();

  constructor(
    readonly token: string,
    readonly applicationId: string,
    botUsername: string,
    /** Discord invalidates the interaction token when no initial response came within this. */
    readonly ackDeadlineMs: number,
  ) {
    this.botUser = userObject({ id: applicationId, username: botUsername, bot: true });
    this.users.set(this.botUser.id, this.botUser);
    this.channels.set(this.guild.channelId, {
      channel: { id: this.guild.channelId, type: 0, guild_id: this.guild.id, name: 'general' },
      messages: [],
    });
  }

  /** A Discord user (a person, unless `bot`), known from now on. */
  addUser(username: string, init: { bot?: boolean; id?: string } = {}): FakeUser {
    const user = userObject({ username, globalName: username[0]!.toUpperCase() + username.slice(1), ...init });
    this.users.set(user.id, user);
    return user;
  }

  /** The registered command a client would see in `guildId` (guild commands shadow global ones). */
  findCommand(name: string, type: number, guildId?: string): RegisteredCommand | undefined {
    const inGuild = guildId ? (this.guildCommands.get(guildId) ?? []) : [];
    return [...inGuild, ...this.globalCommands].find((c) => c.name === name && c.type === type);
  }

  /** The user's DM channel with the bot, opened on first use. */
  dmChannelFor(user: FakeUser): FakeChannel {
    const existing = this.dmChannelOf.get(user.id);
    if (existing) return this.channels.get(existing)!.channel;
    const channel: FakeChannel = { id: snowflake(), type: 1, recipient: user };
    this.channels.set(channel.id, { channel, messages: [] });
    this.dmChannelOf.set(user.id, channel.id);
    return channel;
  }

  lastMessageId(channelId: string): string | null {
    return this.channels.get(channelId)?.messages.at(-1)?.id ?? null;
  }

  /** Every message the fake knows, as it is now: channel messages, interaction responses and follow-ups. */
  findMessage(id: string): FakeMessage | undefined {
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
}

/** Everything the route handlers share. */
export interface DiscordContext {
  state: DiscordState;
  gateway: FakeGateway;
  /** e.g. http://127.0.0.1:54321, once listening. */
  baseUrl(): string;
}

/**
 * A local Discord for tests: the REST API routes discord.js and our scripts use
 * (`rest-routes.ts`), and a gateway WebSocket (`gateway.ts`), on one port-0 server. Point the real
 * discord.js client at it with `rest: { api: fake.apiUrl }` (the product does that
 * from DISCORD_API_URL); the gateway URL then comes from `GET /gateway/bot` as in
 * production. Every answer, error code and limit follows discord-api-docs.
 *
 * This file is the emulation's face for tests: start and stop, the controls a test plays
 * Discord's users with, and what was received. `state.ts` holds the data, `interactions.ts`
 * and `messages.ts` what users send and what the bot answers, `application-commands.ts` the
 * command registry.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway } from './gateway.js';
import { snowflake } from './ids.js';
import { dispatchInteraction, type DispatchedInteraction, type InteractionSpec } from './interactions.js';
import { dispatchDirectMessage, redeliverMessage, type DirectMessageSpec } from './messages.js';
import type { FakeMessage, FakeUser } from './objects.js';
import { handleRest } from './rest-routes.js';
import {
  DiscordState,
  type CallbackRecord,
  type CommandPut,
  type DiscordContext,
  type DmRecord,
  type EditRecord,
  type RegisteredCommand,
  type RequestRecord,
  type ShownModal,
} from './state.js';

export { PRIVILEGED_INTENTS } from './gateway.js';
export type { DispatchedInteraction, InteractionSpec } from './interactions.js';
export { tweetEmbed, type APIEmbedLike, type FakeMessage, type FakeUser } from './objects.js';
export type { CallbackRecord, CommandPut, DmRecord, EditRecord, RegisteredCommand, ShownModal } from './state.js';

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

export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: FakeUser;
  /** The one server the bot is in, with its #general channel. */
  readonly guild: DiscordState['guild'];
  readonly gateway: FakeGateway;

  readonly commandPuts: CommandPut[];
  readonly globalCommands: RegisteredCommand[];
  readonly guildCommands: Map<string, RegisteredCommand[]>;
  readonly callbacks: CallbackRecord[];
  /** Modals the bot showed (callback type 9), in order. */
  readonly modals: ShownModal[];
  readonly originalEdits: EditRecord[];
  readonly followUps: EditRecord[];
  /** Messages the bot posted in DM channels (not interaction responses). */
  readonly dms: DmRecord[];
  /** Method and route of every REST request, tokens replaced by `:token`. */
  readonly requests: RequestRecord[];

  private readonly state: DiscordState;
  private readonly ctx: DiscordContext;
  private server: Server | undefined;
  private base = '';

  constructor(options: FakeDiscordOptions = {}) {
    const applicationId = options.applicationId ?? snowflake();
    const token =
      options.token ?? `${Buffer.from(applicationId).toString('base64url')}.GfAkE0.fake-bot-token-${snowflake()}`;
    const state = new DiscordState(
      token,
      applicationId,
      options.botUsername ?? 'Save to Notion',
      options.ackDeadlineMs ?? 3000,
    );
    this.state = state;
    this.token = token;
    this.applicationId = applicationId;
    this.botUser = state.botUser;
    this.guild = state.guild;
    this.commandPuts = state.commandPuts;
    this.globalCommands = state.globalCommands;
    this.guildCommands = state.guildCommands;
    this.callbacks = state.callbacks;
    this.modals = state.modals;
    this.originalEdits = state.originalEdits;
    this.followUps = state.followUps;
    this.dms = state.dms;
    this.requests = state.requests;
    this.gateway = new FakeGateway({
      token,
      botUser: state.botUser,
      applicationId,
      heartbeatInterval: options.heartbeatInterval ?? 41250,
      allowedPrivilegedIntents: options.allowedPrivilegedIntents ?? 0,
      baseUrl: () => this.base,
    });
    this.ctx = { state, gateway: this.gateway, baseUrl: () => this.base };
  }

  /** `DISCORD_API_URL` for the product: discord.js appends `/v10/...`. */
  get apiUrl(): string {
    return `${this.base}/api`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void handleRest(this.ctx, req, res));
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
    return this.state.addUser(username, init);
  }

  /** From now on, DMs to this user fail with 403 `code` (50007: DMs closed; 50278: no mutual server). */
  blockDms(userId: string, code: 50007 | 50278 = 50007): void {
    this.state.blocked.set(userId, code);
  }

  unblockDms(userId: string): void {
    this.state.blocked.delete(userId);
  }

  dmsTo(userId: string): DmRecord[] {
    return this.dms.filter((d) => d.userId === userId);
  }

  /** The current state of an interaction's @original message, if there is one. */
  original(interactionId: string): FakeMessage | undefined {
    return this.state.interactions.get(interactionId)?.original;
  }

  callbacksFor(interactionId: string): CallbackRecord[] {
    return this.callbacks.filter((c) => c.interactionId === interactionId);
  }

  /** The registered command a client would see in `guildId` (guild commands shadow global ones). */
  findCommand(name: string, type: number, guildId?: string): RegisteredCommand | undefined {
    return this.state.findCommand(name, type, guildId);
  }

  /**
   * Sends INTERACTION_CREATE as Discord does for a slash command, a message command
   * (with `data.target_id` and `data.resolved.messages`), a pick in a select menu, or a button
   * click (MESSAGE_COMPONENT: type 3, `component_type` 2, the clicked `message`). Commands must
   * have been registered and components must be on the message (Discord only offers those).
   */
  dispatchInteraction(spec: InteractionSpec): DispatchedInteraction {
    return dispatchInteraction(this.ctx, spec);
  }

  /**
   * A user writes to the bot in their DM channel (MESSAGE_CREATE, `channel_type` 1).
   * `forward` makes it a forwarded message: empty content, a FORWARD reference and a
   * snapshot holding the original's content and embeds.
   */
  dispatchDirectMessage(init: DirectMessageSpec): FakeMessage {
    return dispatchDirectMessage(this.ctx, init);
  }

  /** Delivers the same MESSAGE_CREATE again (as after a resume or a retry): the bot must act once. */
  redeliverMessage(message: FakeMessage): void {
    redeliverMessage(this.ctx, message);
  }
}

/** Starts a fake Discord on a free port. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  return new FakeDiscord(options).start();
}

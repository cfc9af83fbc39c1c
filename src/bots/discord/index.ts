import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import { randomBytes } from 'node:crypto';
import type { DiscordConfig } from '../../config.js';
import type { Core } from '../../core/core.js';
import { LeaseHolder, type LeaseStore } from '../../core/lease.js';
import { withLogContext, type Logger } from '../../log.js';
import type { ChatBot } from '../chat-bot.js';
import { createDirectMessageHandler } from './direct-messages.js';
import { DiscordTokenRejectedError, errorFields, isTokenRejection } from './errors.js';
import { createInteractionRouter } from './interaction-router.js';
import { createDiscordNotifier } from './notifier.js';

export { DiscordTokenRejectedError } from './errors.js';

export interface DiscordBotOptions {
  config: DiscordConfig;
  core: Core;
  log: Logger;
  /**
   * Several instances on one store: only the holder of this lease connects to the gateway (two connected bots would
   * both act on each interaction and DM). The others stand by, answer through REST, and take over when it lapses.
   */
  gatewayLease?: { leases: LeaseStore; ttlMs?: number | undefined } | undefined;
}

/** A dead holder's gateway is taken over within this (plus a third of it). */
const GATEWAY_LEASE_TTL_MS = 15_000;

/**
 * The Discord adapter: a discord.js gateway client with one non-privileged intent,
 * `DirectMessages` (DM content is not privileged). Interactions need no intent, and no
 * `Guilds` either: nothing here reads a cached guild or channel (replies go through the
 * interaction webhook, a context-menu target is built from the payload's `resolved.messages`).
 * `start()` registers the DM notifier and logs in; it rejects with
 * `DiscordTokenRejectedError` when Discord refuses the token. discord.js resumes or
 * re-identifies by itself after gateway drops. With `gatewayLease`, only the lease's holder
 * logs in to the gateway; the DM notifier (REST) works on every instance.
 */
export function createDiscordBot(options: DiscordBotOptions): ChatBot {
  const { config, core } = options;
  // app.ts passes a logger already bound to the platform; bind it only when missing (no duplicate keys).
  const log = options.log.bindings().platform === 'discord' ? options.log : options.log.child({ platform: 'discord' });
  const clientOptions = { rest: { api: config.apiUrl }, allowedMentions: { parse: [] } } as const;
  // REST only (DMs, webhook edits): works on every instance, whether or not it holds the gateway.
  const rest = new Client({ intents: [], ...clientOptions });

  const route = createInteractionRouter({ core, log });
  const onDirectMessage = createDirectMessageHandler({ core, log });
  let started = false;
  let stopping = false;
  let gateway: Client | undefined;
  let lease: LeaseHolder | undefined;

  function gatewayClient(): Client {
    const client = new Client({
      intents: [GatewayIntentBits.DirectMessages],
      // DM channels are not cached before their first message; without this, DMs never arrive.
      partials: [Partials.Channel],
      ...clientOptions,
    });
    // Discord's own ids make the log lines of one interaction or message easy to follow.
    client.on(Events.InteractionCreate, (interaction) =>
      withLogContext({ requestId: interaction.id }, () => void route(interaction)),
    );
    client.on(Events.MessageCreate, (message) =>
      withLogContext({ requestId: message.id }, () => void onDirectMessage(message)),
    );
    client.on(Events.Error, (err) => log.error(errorFields(err), 'discord client error'));
    client.on(Events.Warn, (message) => log.warn({ message }, 'discord client warning'));
    client.on(Events.ShardError, (err, shardId) =>
      log.warn({ shardId, ...errorFields(err) }, 'gateway connection error'),
    );
    client.on(Events.ShardDisconnect, (event, shardId) =>
      log.error({ shardId, closeCode: event.code }, 'gateway closed for good; not reconnecting'),
    );
    client.on(Events.ShardReconnecting, (shardId) => {
      if (!stopping) log.warn({ shardId }, 'gateway connection lost; reconnecting');
    });
    client.on(Events.ShardResume, (shardId, replayed) => log.info({ shardId, replayed }, 'gateway session resumed'));
    client.on(Events.ShardReady, (shardId) => log.info({ shardId }, 'gateway session ready'));
    return client;
  }

  async function connectGateway(): Promise<void> {
    const client = gatewayClient();
    try {
      await client.login(config.token);
    } catch (err) {
      // client.login destroys the client itself on failure.
      if (isTokenRejection(err)) {
        log.error(errorFields(err), 'DISCORD_TOKEN was rejected by Discord');
        throw new DiscordTokenRejectedError({ cause: err });
      }
      log.error(errorFields(err), 'could not connect to Discord');
      throw new Error(
        `Could not connect to Discord at ${config.apiUrl}: ${err instanceof Error ? err.message : String(err)}`,
        {
          cause: err,
        },
      );
    }
    gateway = client;
    const appId = client.application?.id;
    if (appId && appId !== config.applicationId) {
      log.warn(
        { applicationId: config.applicationId, tokenApplicationId: appId },
        'DISCORD_APPLICATION_ID is not the application of DISCORD_TOKEN; commands registered for it will not reach this bot',
      );
    }
    log.info({ botUser: client.user?.tag, applicationId: appId }, 'discord bot connected');
  }

  async function disconnectGateway(): Promise<void> {
    const client = gateway;
    gateway = undefined;
    await client?.destroy();
  }

  return {
    platform: 'discord',

    async start() {
      if (started) return;
      stopping = false;
      rest.rest.setToken(config.token); // again after a stop: destroy() clears it
      core.registerNotifier('discord', createDiscordNotifier(rest, log));
      const shared = options.gatewayLease;
      if (shared) {
        lease = new LeaseHolder({
          leases: shared.leases,
          name: `discord-gateway:${config.applicationId}`,
          holder: randomBytes(12).toString('base64url'),
          ttlMs: shared.ttlMs ?? GATEWAY_LEASE_TTL_MS,
          log,
          onAcquired: connectGateway,
          onLost: disconnectGateway,
        });
        await lease.start();
      } else {
        await connectGateway();
      }
      started = true;
    },

    async stop() {
      stopping = true;
      started = false;
      await lease?.stop();
      lease = undefined;
      await disconnectGateway();
      // `rest` stays usable (it holds no connection): save jobs finishing during the shutdown grace still answer.
    },
  };
}

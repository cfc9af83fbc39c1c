import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import type { ChatBot } from '../chat-bot.js';
import type { DiscordConfig } from '../../config.js';
import type { Core } from '../../core/core.js';
import { withLogContext, type Logger } from '../../log.js';
import { createDirectMessageHandler } from './direct-messages.js';
import { DiscordTokenRejectedError, errorFields, isTokenRejection } from './errors.js';
import { createInteractionRouter } from './interaction-router.js';
import { createDiscordNotifier } from './notifier.js';

export { DiscordTokenRejectedError } from './errors.js';

export interface DiscordBotOptions {
  config: DiscordConfig;
  core: Core;
  log: Logger;
}

/**
 * The Discord adapter: a discord.js gateway client with one non-privileged intent,
 * `DirectMessages` (DM content is not privileged). Interactions need no intent, and no
 * `Guilds` either: nothing here reads a cached guild or channel (replies go through the
 * interaction webhook, a context-menu target is built from the payload's `resolved.messages`).
 * `start()` registers the DM notifier and logs in; it rejects with
 * `DiscordTokenRejectedError` when Discord refuses the token. discord.js resumes or
 * re-identifies by itself after gateway drops.
 */
export function createDiscordBot(options: DiscordBotOptions): ChatBot {
  const { config, core } = options;
  // app.ts passes a logger already bound to the platform; bind it only when missing (no duplicate keys).
  const log = options.log.bindings().platform === 'discord' ? options.log : options.log.child({ platform: 'discord' });
  const client = new Client({
    intents: [GatewayIntentBits.DirectMessages],
    // DM channels are not cached before their first message; without this, DMs never arrive.
    partials: [Partials.Channel],
    rest: { api: config.apiUrl },
    allowedMentions: { parse: [] },
  });

  const route = createInteractionRouter({ core, log });
  const onDirectMessage = createDirectMessageHandler({ core, log });
  let started = false;
  let stopping = false;

  // Discord's own ids make the log lines of one interaction or message easy to follow.
  client.on(Events.InteractionCreate, (interaction) => withLogContext({ requestId: interaction.id }, () => void route(interaction)));
  client.on(Events.MessageCreate, (message) => withLogContext({ requestId: message.id }, () => void onDirectMessage(message)));
  client.on(Events.Error, (err) => log.error(errorFields(err), 'discord client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'discord client warning'));
  client.on(Events.ShardError, (err, shardId) => log.warn({ shardId, ...errorFields(err) }, 'gateway connection error'));
  client.on(Events.ShardDisconnect, (event, shardId) =>
    log.error({ shardId, closeCode: event.code }, 'gateway closed for good; not reconnecting'),
  );
  client.on(Events.ShardReconnecting, (shardId) => {
    if (!stopping) log.warn({ shardId }, 'gateway connection lost; reconnecting');
  });
  client.on(Events.ShardResume, (shardId, replayed) => log.info({ shardId, replayed }, 'gateway session resumed'));
  client.on(Events.ShardReady, (shardId) => log.info({ shardId }, 'gateway session ready'));

  return {
    platform: 'discord',

    async start() {
      if (started) return;
      stopping = false;
      core.registerNotifier('discord', createDiscordNotifier(client, log));
      try {
        await client.login(config.token);
      } catch (err) {
        // client.login destroys the client itself on failure.
        if (isTokenRejection(err)) {
          log.error(errorFields(err), 'DISCORD_TOKEN was rejected by Discord');
          throw new DiscordTokenRejectedError({ cause: err });
        }
        log.error(errorFields(err), 'could not connect to Discord');
        throw new Error(`Could not connect to Discord at ${config.apiUrl}: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
      started = true;
      const appId = client.application?.id;
      if (appId && appId !== config.applicationId) {
        log.warn({ applicationId: config.applicationId, tokenApplicationId: appId }, 'DISCORD_APPLICATION_ID is not the application of DISCORD_TOKEN; commands registered for it will not reach this bot');
      }
      log.info({ botUser: client.user?.tag, applicationId: appId }, 'discord bot connected');
    },

    async stop() {
      stopping = true;
      started = false;
      await client.destroy();
    },
  };
}

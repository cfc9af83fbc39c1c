import { ApplicationIntegrationType, InteractionContextType } from 'discord.js';

/** Every command works in servers and in the bot's DMs, for the server-installed app. */
export const COMMAND_CONTEXTS = [InteractionContextType.Guild, InteractionContextType.BotDM] as const;
export const COMMAND_INTEGRATION_TYPES = [ApplicationIntegrationType.GuildInstall] as const;

import { SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { saveFromTweetOption } from '../save-commands.js';
import type { Command, CommandContext } from './command.js';
import { COMMAND_CONTEXTS, COMMAND_INTEGRATION_TYPES } from './contexts.js';

/**
 * `/save-thread tweet:<link>` (optionally `… to <table name>`): one row for the author's whole chain the linked tweet
 * is in, every tweet in order in its page; a tweet in no thread saves as itself. Deferred ephemerally like
 * `/save-tweet`.
 */
export default {
  data: new SlashCommandBuilder()
    .setName('save-thread')
    .setDescription('Save a whole thread to your Notion table, as one row')
    .addStringOption((o) =>
      o
        .setName('tweet')
        .setDescription('A link to any tweet of the thread … [to table name]')
        .setRequired(true)
        .setMaxLength(6000),
    )
    .setContexts(...COMMAND_CONTEXTS)
    .setIntegrationTypes(...COMMAND_INTEGRATION_TYPES),

  execute(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void> {
    return saveFromTweetOption(interaction, context, { thread: true });
  },
} satisfies Command;

import { SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { saveFromTweetOption } from '../save-commands.js';
import type { Command, CommandContext } from './command.js';
import { COMMAND_CONTEXTS, COMMAND_INTEGRATION_TYPES } from './contexts.js';

/**
 * `/save-tweet tweet:<link or text>` (or `tweet:<link> to <table name>`, a one-off table choice
 * split off here): defer ephemerally (3 s deadline), store the save as a job; the notifier edits in the result.
 */
export default {
  data: new SlashCommandBuilder()
    .setName('save-tweet')
    .setDescription('Save a tweet to your Notion table')
    .addStringOption((o) =>
      o
        .setName('tweet')
        .setDescription('A tweet link (x.com or twitter.com) and optionally its text … [to table name]')
        .setRequired(true)
        .setMaxLength(6000),
    )
    .setContexts(...COMMAND_CONTEXTS)
    .setIntegrationTypes(...COMMAND_INTEGRATION_TYPES),

  execute(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void> {
    return saveFromTweetOption(interaction, context);
  },
} satisfies Command;

import { MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { decodeDiscordMarkup } from '../../../chat/chat-markup.js';
import { splitTableChoice } from '../../../chat/inline-table.js';
import { acceptTweet } from '../../../chat/settle-save.js';
import { chatUserOf } from '../chat-user.js';
import { interactionReplyTo } from '../notifier.js';
import { saveReply } from '../replies.js';
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

  async execute(interaction: ChatInputCommandInteraction, { core, log }: CommandContext): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const { text, tableName } = splitTableChoice(interaction.options.getString('tweet', true));
    const user = chatUserOf(interaction.user);
    const outcome = await acceptTweet(
      core,
      user,
      decodeDiscordMarkup(text),
      log.child({ userId: interaction.user.id }),
      interactionReplyTo(interaction),
      { table: tableName },
    );
    // Stored as a job: the notifier edits the deferred reply with the result.
    if (outcome) await interaction.editReply(saveReply(outcome));
  },
} satisfies Command;

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

  async execute(interaction: ChatInputCommandInteraction, { core, log }: CommandContext): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const { text, tableName } = splitTableChoice(interaction.options.getString('tweet', true));
    const user = chatUserOf(interaction.user);
    const userLog = log.child({ userId: interaction.user.id });
    const replyTo = interactionReplyTo(interaction);
    const outcome = await acceptTweet(core, user, decodeDiscordMarkup(text), userLog, replyTo, {
      table: tableName,
      thread: true,
    });
    // Stored as a job: the notifier edits the deferred reply with the result.
    if (outcome) await interaction.editReply(saveReply(outcome));
  },
} satisfies Command;

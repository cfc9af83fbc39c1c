import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  MessageFlags,
  type MessageContextMenuCommandInteraction,
} from 'discord.js';
import { acceptTweet } from '../../../chat/settle-save.js';
import { chatUserOf } from '../chat-user.js';
import { tweetInputOfMessage } from '../embed-unfurl.js';
import { interactionReplyTo } from '../notifier.js';
import { saveReply } from '../replies.js';
import type { Command, CommandContext } from './command.js';
import { COMMAND_CONTEXTS, COMMAND_INTEGRATION_TYPES } from './contexts.js';

/** The message command "Save thread to Notion" (Apps > Save thread to Notion): like "Save to Notion", for the whole thread. */
export default {
  data: new ContextMenuCommandBuilder()
    .setName('Save thread to Notion')
    .setType(ApplicationCommandType.Message)
    .setContexts(...COMMAND_CONTEXTS)
    .setIntegrationTypes(...COMMAND_INTEGRATION_TYPES),

  async execute(interaction: MessageContextMenuCommandInteraction, { core, log }: CommandContext): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const input = tweetInputOfMessage(interaction.targetMessage);
    const userLog = log.child({ userId: interaction.user.id });
    const outcome = await acceptTweet(
      core,
      chatUserOf(interaction.user),
      input,
      userLog,
      interactionReplyTo(interaction),
      { thread: true },
    );
    // Stored as a job: the notifier edits the deferred reply with the result.
    if (outcome) await interaction.editReply(saveReply(outcome));
  },
} satisfies Command;

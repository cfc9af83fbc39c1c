import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  MessageFlags,
  type MessageContextMenuCommandInteraction,
} from 'discord.js';
import { chatUserOf } from '../chat-user.js';
import { tweetInputOfMessage } from '../embed-unfurl.js';
import { saveReply } from '../replies.js';
import { saveToEnd } from '../../../chat/settle-save.js';
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
    const outcome = await saveToEnd(core, chatUserOf(interaction.user), input, log.child({ userId: interaction.user.id }), { thread: true });
    await interaction.editReply(saveReply(outcome));
  },
} satisfies Command;

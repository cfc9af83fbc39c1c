import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  MessageFlags,
  type MessageContextMenuCommandInteraction,
} from 'discord.js';
import { chatUserOf } from '../chat-user.js';
import { tweetInputOfMessage } from '../embed-unfurl.js';
import { saveReply } from '../replies.js';
import { saveToEnd } from '../save-flow.js';
import type { Command, CommandContext } from './command.js';
import { COMMAND_CONTEXTS, COMMAND_INTEGRATION_TYPES } from './contexts.js';

/**
 * The message context-menu command "Save to Notion" (Apps > Save to Notion): saves the
 * tweet of the message it is used on, from its tweet embed when Discord unfurled one.
 */
export default {
  data: new ContextMenuCommandBuilder()
    .setName('Save to Notion')
    .setType(ApplicationCommandType.Message)
    .setContexts(...COMMAND_CONTEXTS)
    .setIntegrationTypes(...COMMAND_INTEGRATION_TYPES),

  async execute(interaction: MessageContextMenuCommandInteraction, { core, log }: CommandContext): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const input = tweetInputOfMessage(interaction.targetMessage);
    const outcome = await saveToEnd(core, chatUserOf(interaction.user), input);
    log.info({ interactionId: interaction.id, outcome: outcome.kind, fromEmbed: input.unfurl !== undefined }, 'save-to-notion answered');
    await interaction.editReply(saveReply(outcome));
  },
} satisfies Command;

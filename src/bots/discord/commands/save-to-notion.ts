import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  type MessageContextMenuCommandInteraction,
} from 'discord.js';
import { saveFromTargetMessage } from '../save-commands.js';
import type { Command, CommandContext } from './command.js';
import { COMMAND_CONTEXTS, COMMAND_INTEGRATION_TYPES } from './contexts.js';

/**
 * The message context-menu command "Save to Notion" (Apps > Save to Notion): saves the
 * tweet of the message it is used on, from its tweet embed when Discord unfurled one, else
 * from its tweet link alone (the words around it are the poster's; see `tweetInputOfMessage`).
 */
export default {
  data: new ContextMenuCommandBuilder()
    .setName('Save to Notion')
    .setType(ApplicationCommandType.Message)
    .setContexts(...COMMAND_CONTEXTS)
    .setIntegrationTypes(...COMMAND_INTEGRATION_TYPES),

  execute(interaction: MessageContextMenuCommandInteraction, context: CommandContext): Promise<void> {
    return saveFromTargetMessage(interaction, context);
  },
} satisfies Command;

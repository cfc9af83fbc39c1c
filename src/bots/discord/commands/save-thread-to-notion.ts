import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  type MessageContextMenuCommandInteraction,
} from 'discord.js';
import { saveFromTargetMessage } from '../save-commands.js';
import type { Command, CommandContext } from './command.js';
import { COMMAND_CONTEXTS, COMMAND_INTEGRATION_TYPES } from './contexts.js';

/** The message command "Save thread to Notion" (Apps > Save thread to Notion): like "Save to Notion", for the whole thread. */
export default {
  data: new ContextMenuCommandBuilder()
    .setName('Save thread to Notion')
    .setType(ApplicationCommandType.Message)
    .setContexts(...COMMAND_CONTEXTS)
    .setIntegrationTypes(...COMMAND_INTEGRATION_TYPES),

  execute(interaction: MessageContextMenuCommandInteraction, context: CommandContext): Promise<void> {
    return saveFromTargetMessage(interaction, context, { thread: true });
  },
} satisfies Command;

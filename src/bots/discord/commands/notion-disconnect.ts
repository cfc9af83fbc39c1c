import { MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { chatUserOf } from '../chat-user.js';
import { disconnectReply } from '../replies.js';
import type { Command, CommandContext } from './command.js';
import { COMMAND_CONTEXTS, COMMAND_INTEGRATION_TYPES } from './contexts.js';

/** `/notion-disconnect`: revoke and forget the user's Notion connection (revoking calls Notion, so defer first). */
export default {
  data: new SlashCommandBuilder()
    .setName('notion-disconnect')
    .setDescription('Disconnect your Notion; nothing is saved until you connect again')
    .setContexts(...COMMAND_CONTEXTS)
    .setIntegrationTypes(...COMMAND_INTEGRATION_TYPES),

  async execute(interaction: ChatInputCommandInteraction, { core, log }: CommandContext): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const outcome = await core.disconnectUser(chatUserOf(interaction.user));
    log.info({ interactionId: interaction.id, wasConnected: outcome.wasConnected }, 'disconnect answered');
    await interaction.editReply(disconnectReply(outcome));
  },
} satisfies Command;

import { MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { chatUserOf } from '../chat-user.js';
import { errorFields, isDmBlocked } from '../errors.js';
import { checkDmsReply, connectLinkDm, connectLinkEphemeral } from '../replies.js';
import { sendDiscordDm } from '../send-dm.js';
import type { Command, CommandContext } from './command.js';
import { COMMAND_CONTEXTS, COMMAND_INTEGRATION_TYPES } from './contexts.js';

/**
 * `/notion-connect`: answer ephemerally at once, then DM the personal link. When the
 * user takes no DMs from the bot the link goes into the ephemeral reply, which only
 * they can see.
 */
export default {
  data: new SlashCommandBuilder()
    .setName('notion-connect')
    .setDescription('Connect your Notion and choose the table your tweets are saved to')
    .setContexts(...COMMAND_CONTEXTS)
    .setIntegrationTypes(...COMMAND_INTEGRATION_TYPES),

  async execute(interaction: ChatInputCommandInteraction, { core, log }: CommandContext): Promise<void> {
    await interaction.reply({ ...checkDmsReply(), flags: MessageFlags.Ephemeral });
    const link = await core.connectUser(chatUserOf(interaction.user));
    try {
      await sendDiscordDm(interaction.client, interaction.user.id, connectLinkDm(link));
      log.info({ interactionId: interaction.id, delivery: 'dm' }, 'connect link sent');
    } catch (err) {
      // The link is private in the ephemeral reply too; any failed DM falls back to it.
      log[isDmBlocked(err) ? 'info' : 'warn'](
        { interactionId: interaction.id, delivery: 'ephemeral', ...errorFields(err) },
        'connect link DM failed; giving it in the reply',
      );
      await interaction.editReply(connectLinkEphemeral(link));
    }
  },
} satisfies Command;

import type { StringSelectMenuInteraction } from 'discord.js';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import { chatUserOf } from './chat-user.js';
import { chooseTargetReply } from './replies.js';

export { TABLE_PICKER_ID, tablePickerRow } from './replies.js';
/**
 * A pick in the table menu: acknowledge at once (the menu's message stays), then
 * replace that message with core's answer. The picker acts for whoever picked, so a
 * menu seen by someone else can only change their own connection.
 */
export async function handleTablePick(
  interaction: StringSelectMenuInteraction,
  deps: { core: Core; log: Logger },
): Promise<void> {
  await interaction.deferUpdate();
  const dataSourceId = interaction.values[0] ?? '';
  const outcome = await deps.core.chooseTarget(chatUserOf(interaction.user), dataSourceId);
  deps.log.info({ platform: 'discord', interactionId: interaction.id, outcome: outcome.kind }, 'table picked');
  await interaction.editReply(chooseTargetReply(outcome));
}

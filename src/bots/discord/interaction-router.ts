import { ApplicationCommandType, MessageFlags, type Interaction } from 'discord.js';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import { handleNoteModal } from './add-note.js';
import { commands as allCommands, type Command } from './commands/index.js';
import { errorFields } from './errors.js';
import { failureReply, TABLE_PICKER_ID } from './replies.js';
import { handleSaveButton } from './save-buttons.js';
import { handleTablePick } from './table-picker.js';

export interface InteractionRouterOptions {
  core: Core;
  /** Already bound to `platform: 'discord'`. */
  log: Logger;
  commands?: readonly Command[];
}

function typeOf(command: Command): ApplicationCommandType {
  return command.data.toJSON().type ?? ApplicationCommandType.ChatInput;
}

/**
 * Routes each interaction to its command, the table picker or a save button (Undo, Save again,
 * Create a Tweets table). A failure is logged
 * (without the interaction token) and answered with core's generic wording, never a
 * stack trace.
 */
export function createInteractionRouter(
  options: InteractionRouterOptions,
): (interaction: Interaction) => Promise<void> {
  const { core, log } = options;
  const byName = new Map((options.commands ?? allCommands).map((c) => [c.data.name, { command: c, type: typeOf(c) }]));

  return async (interaction) => {
    const fields = {
      interactionId: interaction.id,
      userId: interaction.user.id,
      guildId: interaction.guildId ?? undefined,
    };
    try {
      if (interaction.isChatInputCommand() || interaction.isMessageContextMenuCommand()) {
        const entry = byName.get(interaction.commandName);
        if (!entry || entry.type !== interaction.commandType) {
          log.warn(
            { ...fields, command: interaction.commandName },
            'unknown command (re-run npm run discord:register)',
          );
          await interaction.reply({
            content: 'This command is not available any more. Try again in a minute.',
            flags: MessageFlags.Ephemeral,
          });
          return;
        }
        log.debug({ ...fields, command: interaction.commandName }, 'command received');
        await entry.command.execute(interaction, { core, log });
        return;
      }
      if (interaction.isStringSelectMenu() && interaction.customId === TABLE_PICKER_ID) {
        await handleTablePick(interaction, { core, log });
        return;
      }
      if (interaction.isButton() && (await handleSaveButton(interaction, { core, log }))) return;
      if (interaction.isModalSubmit() && (await handleNoteModal(interaction, { core, log }))) return;
      log.debug({ ...fields, type: interaction.type }, 'interaction ignored');
    } catch (err) {
      log.error({ ...fields, ...errorFields(err) }, 'interaction failed');
      await answerFailure(interaction, log);
    }
  };
}

async function answerFailure(interaction: Interaction, log: Logger): Promise<void> {
  if (!interaction.isRepliable()) return;
  try {
    const body = failureReply();
    if (interaction.isMessageComponent() && (interaction.deferred || interaction.replied)) {
      // deferUpdate: the message belongs to the menu; say it separately instead of overwriting it.
      await interaction.followUp({ ...body, flags: MessageFlags.Ephemeral });
    } else if (interaction.deferred || interaction.replied) {
      await interaction.editReply(body);
    } else {
      await interaction.reply({ ...body, flags: MessageFlags.Ephemeral });
    }
  } catch (err) {
    log.warn({ interactionId: interaction.id, ...errorFields(err) }, 'could not tell the user about the failure');
  }
}

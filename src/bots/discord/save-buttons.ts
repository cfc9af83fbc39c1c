import { MessageFlags, type ButtonInteraction } from 'discord.js';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import { handleNoteButton } from './add-note.js';
import { chatUserOf } from './chat-user.js';
import { interactionReplyTo } from './notifier.js';
import { chooseTargetReply, parseButtonId, saveReply, undoReply, type DiscordReply } from './replies.js';

export { buttonId, parseButtonId, type ButtonAction } from './replies.js';

/**
 * Undo, "Save again" and "Create a Tweets table in <page>" (custom ids `stn:<action>:<id>`).
 * Each acknowledges at once with deferUpdate (Discord's 3 s deadline; core then calls Notion), then
 * either edits the clicked message with the result or, when the click changes nothing (not the
 * clicker's save, a lost connection, Notion down), tells the clicker alone in an ephemeral follow-up
 * and leaves the message as it was. Core decides whose rows these are: it acts for the clicker only.
 * Returns false for a custom id that is not one of these buttons.
 */
export async function handleSaveButton(
  interaction: ButtonInteraction,
  deps: { core: Core; log: Logger },
): Promise<boolean> {
  const parsed = parseButtonId(interaction.customId);
  if (!parsed) return false;
  const { core, log } = deps;
  const user = chatUserOf(interaction.user);
  const fields = { interactionId: interaction.id, button: parsed.action };
  // The note form must be the first answer to the click: no defer before it.
  if (parsed.action === 'note') {
    await handleNoteButton(interaction, parsed.id, deps);
    return true;
  }
  await interaction.deferUpdate();

  const editMessage = (body: DiscordReply) => interaction.editReply(body);
  const tellClicker = (body: DiscordReply) => interaction.followUp({ ...body, flags: MessageFlags.Ephemeral });

  switch (parsed.action) {
    case 'undo': {
      const outcome = await core.undoSave(user, parsed.id);
      log.info({ ...fields, outcome: outcome.kind }, 'undo answered');
      const body = undoReply(outcome);
      await (outcome.kind === 'removed' || outcome.kind === 'already_deleted' ? editMessage(body) : tellClicker(body));
      return true;
    }
    case 'again': {
      // Stored as a job: the notifier edits the clicked message with the new result.
      const outcome = (await core.saveAgain(user, parsed.id, interactionReplyTo(interaction))).outcome;
      if (!outcome) return true;
      log.info({ ...fields, outcome: outcome.kind }, 'save again answered');
      // A save that is not the clicker's leaves the owner's message alone.
      await (outcome.kind === 'not_found' ? tellClicker(saveReply(outcome)) : editMessage(saveReply(outcome)));
      return true;
    }
    case 'create': {
      const outcome = await core.createTweetsTable(user, parsed.id);
      log.info({ ...fields, outcome: outcome.kind }, 'create table answered');
      await editMessage(chooseTargetReply(outcome));
      return true;
    }
  }
}

import {
  ActionRowBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { NOTE_FORM, NOT_YOUR_NOTE_TEXT } from '../../chat/note-messages.js';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import { chatUserOf } from './chat-user.js';
import { notedReply } from './replies.js';

/** The modal's custom id: `stn:noteform:<page id>`. */
const MODAL_ID = /^stn:noteform:([0-9a-f-]{32,36})$/i;
const NOTE_FIELD = 'note';
const TAGS_FIELD = 'tags';

function noteModal(pageId: string): ModalBuilder {
  const note = new TextInputBuilder()
    .setCustomId(NOTE_FIELD)
    .setLabel(NOTE_FORM.noteLabel)
    .setStyle(TextInputStyle.Paragraph)
    .setRequired(false)
    .setMaxLength(3000)
    .setPlaceholder(NOTE_FORM.notePlaceholder);
  const tags = new TextInputBuilder()
    .setCustomId(TAGS_FIELD)
    .setLabel(NOTE_FORM.tagsLabel)
    .setStyle(TextInputStyle.Short)
    .setRequired(false)
    .setMaxLength(500)
    .setPlaceholder(NOTE_FORM.tagsPlaceholder);
  return new ModalBuilder()
    .setCustomId(`stn:noteform:${pageId}`)
    .setTitle(NOTE_FORM.title)
    .addComponents(
      new ActionRowBuilder<TextInputBuilder>().addComponents(note),
      new ActionRowBuilder<TextInputBuilder>().addComponents(tags),
    );
}

/**
 * "Add note" on a "Saved" message (`stn:note:<page id>`): the modal is the first answer (Discord allows no defer
 * before it), so core's check is a store lookup. Someone else gets a private refusal.
 */
export async function handleNoteButton(
  interaction: ButtonInteraction,
  pageId: string,
  deps: { core: Core; log: Logger },
): Promise<void> {
  if (!(await deps.core.canAddNote(chatUserOf(interaction.user), pageId))) {
    await interaction.reply({ content: NOT_YOUR_NOTE_TEXT, flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.showModal(noteModal(pageId));
}

/**
 * The modal's submit: acknowledged with deferUpdate (the message it came from stays), the row updated by core,
 * then the "Saved" message edited to show the note and tags; a refusal or failure is told to the submitter alone.
 * Returns false for any other modal.
 */
export async function handleNoteModal(
  interaction: ModalSubmitInteraction,
  deps: { core: Core; log: Logger },
): Promise<boolean> {
  const pageId = MODAL_ID.exec(interaction.customId)?.[1];
  if (!pageId) return false;
  const fromMessage = interaction.isFromMessage();
  if (fromMessage) await interaction.deferUpdate();
  else await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const outcome = await deps.core.addNote(chatUserOf(interaction.user), pageId, {
    note: interaction.fields.getTextInputValue(NOTE_FIELD),
    tags: interaction.fields.getTextInputValue(TAGS_FIELD),
  });
  deps.log.info({ interactionId: interaction.id, outcome: outcome.kind }, 'note answered');
  const body = notedReply(outcome);
  if (outcome.kind === 'noted' || !fromMessage) await interaction.editReply(body);
  else await interaction.followUp({ ...body, flags: MessageFlags.Ephemeral });
  return true;
}

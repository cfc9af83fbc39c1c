import type { NoteOutcome, SaveOutcome } from '../core/outcomes.js';
import type { Formatter } from './messages.js';

/** The label of the button on a "Saved" reply that opens the note form. */
export const ADD_NOTE_LABEL = 'Add note';

/** The note form's wording, the same on every platform. */
export const NOTE_FORM = {
  title: 'Add a note',
  submit: 'Save',
  noteLabel: 'Note',
  notePlaceholder: 'What you want to remember about this tweet',
  tagsLabel: 'Tags',
  tagsPlaceholder: 'ai, reading (commas or spaces; # is optional)',
} as const;

/** Said to someone pressing "Add note" on a reply that is not theirs (or a row no longer known). */
export const NOT_YOUR_NOTE_TEXT = 'Only the person who saved this tweet can add a note to it.';

/** The "Saved" reply as it is once a note was added: the save as before, what was added below it. */
export function notedSaveOutcome(
  outcome: Extract<NoteOutcome, { kind: 'noted' }>,
): Extract<SaveOutcome, { kind: 'saved' }> {
  return {
    kind: 'saved',
    pageUrl: outcome.pageUrl,
    pageId: outcome.pageId,
    table: outcome.table,
    tweet: outcome.tweet,
    textMissing: false,
  };
}

/** One line saying what the note form changed, or why it changed nothing. */
export function noteOutcomeText(f: Formatter, outcome: NoteOutcome): string {
  switch (outcome.kind) {
    case 'noted': {
      const parts: string[] = [];
      if (outcome.noteColumn) parts.push(outcome.note ? `Note: ${outcome.note}` : 'Note cleared');
      if (outcome.tagsColumn)
        parts.push(outcome.tags.length ? `Tags: ${outcome.tags.map((t) => `#${t}`).join(' ')}` : 'Tags cleared');
      const missing = !outcome.noteColumn
        ? ` (${f.bold(outcome.table)} has no Note column)`
        : !outcome.tagsColumn
          ? ` (${f.bold(outcome.table)} has no Tags column)`
          : '';
      return `${parts.join(' · ')}${missing}`;
    }
    case 'no_columns':
      return (
        `${f.bold(outcome.table)} has no Note or Tags column. ` +
        'Add a text column named Note or a multi-select named Tags, then try again.'
      );
    case 'not_found':
      return NOT_YOUR_NOTE_TEXT;
    case 'not_connected':
      return 'Connect Notion again to add a note.';
    case 'reconnect':
      return 'Notion stopped accepting your connection. Reconnect to add a note.';
    case 'failed':
      return 'Notion did not take the note right now. Please try again in a minute.';
  }
}

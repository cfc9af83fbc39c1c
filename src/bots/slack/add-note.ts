import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { NOT_YOUR_NOTE_TEXT, NOTE_FORM, notedSaveOutcome, noteOutcomeText } from '../../chat/note-messages.js';
import type { Core } from '../../core/core.js';
import type { NoteOutcome } from '../../core/outcomes.js';
import { outboundFetch } from '../../http/outbound-fetch.js';
import type { Logger } from '../../log.js';
import { saveOutcomeMessage, section, type SlackMessage } from './blocks.js';
import { ACTION_IDS, NOTE_VIEW_CALLBACK_ID } from './constants.js';
import type { SlackListeners } from './listeners.js';
import { errorSummary, respondEphemeral } from './reply.js';
import { slackFormatter as f } from './slack-formatter.js';
import { slackUser } from './slack-user.js';

const NOTE_BLOCK = 'note';
const TAGS_BLOCK = 'tags';
const NOTE_INPUT_MAX = 3000;

/** What the modal carries back to its submit: the row, and where the "Saved" reply can be replaced. */
interface NoteMetadata {
  pageId: string;
  responseUrl?: string | undefined;
}

function readMetadata(raw: string): NoteMetadata | undefined {
  try {
    const m = JSON.parse(raw) as Partial<NoteMetadata>;
    return typeof m.pageId === 'string' && /^[0-9a-f-]{32,36}$/i.test(m.pageId)
      ? { pageId: m.pageId, responseUrl: typeof m.responseUrl === 'string' ? m.responseUrl : undefined }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The "Add note" modal (views.open). */
function noteView(metadata: NoteMetadata) {
  return {
    type: 'modal' as const,
    callback_id: NOTE_VIEW_CALLBACK_ID,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text' as const, text: NOTE_FORM.title },
    submit: { type: 'plain_text' as const, text: NOTE_FORM.submit },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'input' as const,
        block_id: NOTE_BLOCK,
        optional: true,
        label: { type: 'plain_text' as const, text: NOTE_FORM.noteLabel },
        element: {
          type: 'plain_text_input' as const,
          action_id: 'value',
          multiline: true,
          max_length: NOTE_INPUT_MAX,
          placeholder: { type: 'plain_text' as const, text: NOTE_FORM.notePlaceholder },
        },
      },
      {
        type: 'input' as const,
        block_id: TAGS_BLOCK,
        optional: true,
        label: { type: 'plain_text' as const, text: NOTE_FORM.tagsLabel },
        element: {
          type: 'plain_text_input' as const,
          action_id: 'value',
          max_length: 500,
          placeholder: { type: 'plain_text' as const, text: NOTE_FORM.tagsPlaceholder },
        },
      },
    ],
  };
}

/** The "Saved" reply with what the note added, or the save as it was with why nothing changed. */
function notedMessage(outcome: NoteOutcome): SlackMessage {
  const line = noteOutcomeText(f, outcome);
  if (outcome.kind !== 'noted') return { text: line, blocks: [section(line)] };
  const saved = saveOutcomeMessage(notedSaveOutcome(outcome));
  return {
    text: `${saved.text}\n${line}`,
    blocks: [
      ...saved.blocks.slice(0, 1),
      { type: 'context', elements: [{ type: 'mrkdwn', text: line.slice(0, 3000) }] },
      ...saved.blocks.slice(1),
    ],
  };
}

/**
 * "Add note" on a "Saved" reply: the saver gets a modal (views.open, within the click's 3 s trigger) with a note and
 * tags field; anyone else a private refusal. The submit updates the row (core: pages.update) and replaces the reply
 * through the click's response_url, carried in the view's private_metadata.
 */
export function registerAddNote(app: SlackListeners, deps: { core: Core; log: Logger }): void {
  const { core } = deps;

  app.action<BlockAction<ButtonAction>>(ACTION_IDS.addNote, async ({ ack, body, action, client, respond }) => {
    await ack();
    const user = slackUser(body.team?.id ?? body.user.team_id, body.user.id, body.user.username ?? body.user.name);
    const log = deps.log.child({
      event: 'block_actions',
      actionId: ACTION_IDS.addNote,
      teamId: user.teamId,
      userId: user.userId,
    });
    const pageId = action.value?.trim();
    if (!pageId || !/^[0-9a-f-]{32,36}$/i.test(pageId) || !(await core.canAddNote(user, pageId))) {
      await respondEphemeral(respond, { text: NOT_YOUR_NOTE_TEXT, blocks: [section(NOT_YOUR_NOTE_TEXT)] }, log);
      return;
    }
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: noteView({ pageId, responseUrl: body.response_url }),
      });
    } catch (err) {
      log.warn({ err: errorSummary(err) }, 'could not open the note form');
    }
  });

  app.view<ViewSubmitAction>(NOTE_VIEW_CALLBACK_ID, async ({ ack, body, view }) => {
    await ack();
    const user = slackUser(body.team?.id ?? body.user.team_id ?? '', body.user.id, body.user.name);
    const log = deps.log.child({
      event: 'view_submission',
      callbackId: NOTE_VIEW_CALLBACK_ID,
      teamId: user.teamId,
      userId: user.userId,
    });
    const metadata = readMetadata(view.private_metadata);
    const value = (block: string) => view.state.values[block]?.value?.value ?? '';
    const outcome: NoteOutcome = metadata
      ? await core.addNote(user, metadata.pageId, { note: value(NOTE_BLOCK), tags: value(TAGS_BLOCK) })
      : { kind: 'not_found' };
    log.info({ outcome: outcome.kind }, 'note finished');
    if (!metadata?.responseUrl) return;
    const message = notedMessage(outcome);
    try {
      const res = await outboundFetch(metadata.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          response_type: 'ephemeral',
          replace_original: outcome.kind === 'noted',
          text: message.text,
          blocks: message.blocks,
        }),
      });
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) log.warn({ status: res.status }, 'response_url answer failed');
    } catch (err) {
      log.warn({ err: errorSummary(err) }, 'response_url answer failed');
    }
  });
}

import type { BlockAction, ButtonAction } from '@slack/bolt';
import { chooseTargetText, CREATE_TABLE_FAILED_TEXT } from '../../chat/messages.js';
import { acceptSave } from '../../chat/settle-save.js';
import type { Core } from '../../core/core.js';
import type { ChooseTargetOutcome, UndoOutcome } from '../../core/outcomes.js';
import type { Logger } from '../../log.js';
import { saveOutcomeMessage, section, undoOutcomeMessage } from './blocks.js';
import { ACTION_IDS, CREATE_TABLE_ACTION } from './constants.js';
import { fromHomeTab, publishHome } from './home-tab.js';
import type { SlackListeners } from './listeners.js';
import { respondEphemeral, responseUrlReplyTo } from './reply.js';
import { slackFormatter as f } from './slack-formatter.js';
import { slackUser } from './slack-user.js';
import { chooseOutcomeMessage } from './table-picker.js';
import type { WorkspaceNames } from './workspace-names.js';

type ButtonClick = BlockAction<ButtonAction>;

/** The Notion id a button carries (`value`), or undefined for anything that does not look like one. */
function notionIdOf(action: ButtonAction): string | undefined {
  const value = action.value?.trim();
  return value && /^[0-9a-f-]{32,36}$/i.test(value) ? value : undefined;
}

function clicker(body: ButtonClick, workspaces: WorkspaceNames) {
  const teamId = body.team?.id ?? body.user.team_id;
  const name = body.user.username ?? body.user.name;
  return slackUser(teamId, body.user.id, name, workspaces.of(teamId, body.team?.domain));
}

/**
 * The buttons on save replies and set-up messages. Each acks first (Slack allows 3 s; core
 * calls Notion), then calls one core use case and answers through the action's response_url:
 * - Undo (`undo_save`): trashes the row; the reply becomes "Removed" (or "already deleted").
 *   Someone else's row (core: `not_found`) gets a private refusal and the reply stays as it is;
 *   so does a reply whose Undo failed or needs a reconnect, so it can be pressed again.
 * - Save again (`save_again`): saves the tweet once more; the reply becomes the new result, with its Undo.
 * - Create a Tweets table (`create_tweets_table_<n>`): creates it in the page and makes it the
 *   target; the offer becomes "Created a Tweets table in <page>…" (on the Home tab, the tab is
 *   republished with that, or the failure, on top).
 */
export function registerSaveActions(
  app: SlackListeners,
  deps: { core: Core; log: Logger; workspaces: WorkspaceNames },
): void {
  const { core } = deps;

  app.action<ButtonClick>(ACTION_IDS.undoSave, async ({ ack, body, action, respond }) => {
    await ack();
    const user = clicker(body, deps.workspaces);
    const log = deps.log.child({
      event: 'block_actions',
      actionId: ACTION_IDS.undoSave,
      teamId: user.teamId,
      userId: user.userId,
    });
    const pageId = notionIdOf(action);
    let outcome: UndoOutcome;
    if (!pageId) {
      outcome = { kind: 'not_found' };
    } else {
      try {
        outcome = await core.undoSave(user, pageId);
      } catch (err) {
        log.error({ err }, 'undo failed unexpectedly');
        outcome = { kind: 'failed', reason: 'internal' };
      }
    }
    log.info({ outcome: outcome.kind }, 'undo finished');
    const done = outcome.kind === 'removed' || outcome.kind === 'already_deleted';
    await respondEphemeral(respond, undoOutcomeMessage(outcome), log, { replaceOriginal: done });
  });

  app.action<ButtonClick>(ACTION_IDS.saveAgain, async ({ ack, body, action, respond }) => {
    const user = clicker(body, deps.workspaces);
    const log = deps.log.child({
      event: 'block_actions',
      actionId: ACTION_IDS.saveAgain,
      teamId: user.teamId,
      userId: user.userId,
    });
    const pageId = notionIdOf(action);
    // Stored as a job before the ack; its answer replaces the reply through the response_url.
    const replyTo = responseUrlReplyTo(body.response_url, { replaceOriginal: true });
    const outcome = pageId
      ? await acceptSave(() => core.saveAgain(user, pageId, replyTo), log)
      : ({ kind: 'not_found' } as const);
    await ack();
    if (!outcome) return;
    // Someone else's (or a forgotten) save: tell the clicker privately, leave the reply alone.
    await respondEphemeral(respond, saveOutcomeMessage(outcome), log, {
      replaceOriginal: outcome.kind !== 'not_found',
    });
  });

  app.action<ButtonClick>(CREATE_TABLE_ACTION, async ({ ack, body, action, respond, client }) => {
    await ack();
    const user = clicker(body, deps.workspaces);
    const log = deps.log.child({
      event: 'block_actions',
      actionId: ACTION_IDS.createTable,
      teamId: user.teamId,
      userId: user.userId,
    });
    const pageId = notionIdOf(action);
    if (!pageId) return;
    // The Home tab has no response_url: the tab is republished with the new state (and a failure) instead.
    const inHomeTab = fromHomeTab(body);
    let outcome: ChooseTargetOutcome;
    try {
      outcome = await core.createTweetsTable(user, pageId);
    } catch (err) {
      log.error({ err }, 'create table failed');
      if (inHomeTab) await publishHome({ core, client, log }, user, CREATE_TABLE_FAILED_TEXT);
      else
        await respondEphemeral(
          respond,
          { text: CREATE_TABLE_FAILED_TEXT, blocks: [section(CREATE_TABLE_FAILED_TEXT)] },
          log,
        );
      return;
    }
    log.info({ outcome: outcome.kind }, 'create table finished');
    if (inHomeTab) {
      await publishHome({ core, client, log }, user, chooseTargetText(f, outcome));
      return;
    }
    await respondEphemeral(respond, chooseOutcomeMessage(outcome), log, { replaceOriginal: true });
  });
}

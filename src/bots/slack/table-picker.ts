import type { BlockAction, StaticSelectAction } from '@slack/bolt';
import { CHOOSE_TABLE_FAILED_TEXT, chooseTargetText, LABELS } from '../../chat/messages.js';
import type { Core } from '../../core/core.js';
import type { ChooseTargetOutcome } from '../../core/outcomes.js';
import type { Logger } from '../../log.js';
import { connectLinkActions, section, targetStatusMessage, type SlackMessage } from './blocks.js';
import { ACTION_IDS } from './constants.js';
import { fromHomeTab, publishHome } from './home-tab.js';
import type { SlackListeners } from './listeners.js';
import { respondEphemeral } from './reply.js';
import { slackFormatter as f } from './slack-formatter.js';
import { slackUser } from './slack-user.js';
import type { WorkspaceNames } from './workspace-names.js';

/** The message that replaces the picker (or the create-table offer) once the user chose. */
export function chooseOutcomeMessage(outcome: ChooseTargetOutcome): SlackMessage {
  const text = chooseTargetText(f, outcome);
  switch (outcome.kind) {
    case 'not_connected':
    case 'reconnect': {
      const label = outcome.kind === 'reconnect' ? LABELS.reconnect : LABELS.connect;
      return { text, blocks: [section(text), connectLinkActions(label, outcome.connectUrl)] };
    }
    case 'unknown_table':
      return targetStatusMessage({ kind: 'choose', tables: outcome.tables }, text);
    case 'created':
      return { text, blocks: [section(text)] };
    default:
      return targetStatusMessage(outcome, text);
  }
}

/**
 * The table picker (static_select `choose_table`) in DMs, ephemeral replies and the Home tab:
 * makes the chosen data source the user's target, then replaces the picker message, or, in the
 * Home tab (no response_url), republishes it, with what the tab's status does not show on top:
 * a failure, or why the choice was not taken.
 */
export function registerTablePicker(
  app: SlackListeners,
  deps: { core: Core; log: Logger; workspaces: WorkspaceNames },
): void {
  app.action<BlockAction<StaticSelectAction>>(
    ACTION_IDS.chooseTable,
    async ({ ack, body, action, respond, client }) => {
      await ack();
      const teamId = body.team?.id ?? body.user.team_id;
      const name = body.user.username ?? body.user.name;
      const user = slackUser(teamId, body.user.id, name, deps.workspaces.of(teamId, body.team?.domain));
      const log = deps.log.child({
        event: 'block_actions',
        actionId: ACTION_IDS.chooseTable,
        teamId: user.teamId,
        userId: user.userId,
      });
      const chosen = action.selected_option?.value;
      if (!chosen) return;
      const inHomeTab = fromHomeTab(body);
      let outcome: ChooseTargetOutcome;
      try {
        outcome = await deps.core.chooseTarget(user, chosen);
      } catch (err) {
        log.error({ err }, 'choose target failed');
        if (inHomeTab) await publishHome({ core: deps.core, client, log }, user, CHOOSE_TABLE_FAILED_TEXT);
        else
          await respondEphemeral(
            respond,
            { text: CHOOSE_TABLE_FAILED_TEXT, blocks: [section(CHOOSE_TABLE_FAILED_TEXT)] },
            log,
          );
        return;
      }
      log.info({ outcome: outcome.kind }, 'target chosen');
      if (inHomeTab) {
        await publishHome(
          { core: deps.core, client, log },
          user,
          outcome.kind === 'ready' ? undefined : chooseTargetText(f, outcome),
        );
        return;
      }
      await respondEphemeral(respond, chooseOutcomeMessage(outcome), log, { replaceOriginal: true });
    },
  );

  // URL buttons still send a block action; ack it so Slack shows no error next to the button.
  app.action(ACTION_IDS.connectLink, async ({ ack }) => ack());
  app.action(ACTION_IDS.openInNotion, async ({ ack }) => ack());
}

import type { App, BlockAction, StaticSelectAction } from '@slack/bolt';
import type { Core } from '../../core/core.js';
import { targetStatusText } from '../../core/messages.js';
import type { ChooseTargetOutcome } from '../../core/outcomes.js';
import type { Logger } from '../../log.js';
import { saveOutcomeMessage, targetStatusMessage, type SlackMessage } from './blocks.js';
import { ACTION_IDS } from './constants.js';
import { publishHome } from './home-tab.js';
import { respondEphemeral } from './reply.js';
import { slackFormatter as f } from './slack-formatter.js';
import { slackUser } from './slack-user.js';

/** The message that replaces the picker once the user chose. */
export function chooseOutcomeMessage(outcome: ChooseTargetOutcome): SlackMessage {
  switch (outcome.kind) {
    case 'not_connected':
      return saveOutcomeMessage(outcome);
    case 'reconnect':
      // Nothing was kept: a table choice is not a save waiting for the reconnect.
      return saveOutcomeMessage({ ...outcome, kept: false });
    case 'unknown_table':
      return targetStatusMessage({ kind: 'choose', tables: outcome.tables });
    default:
      return targetStatusMessage(outcome, targetStatusText(f, outcome));
  }
}

/**
 * The table picker (static_select `choose_table`) in DMs, ephemeral replies and the Home tab:
 * makes the chosen data source the user's target, then replaces the picker message (or
 * republishes the Home tab, which has no response_url).
 */
export function registerTablePicker(app: App, deps: { core: Core; log: Logger }): void {
  app.action<BlockAction<StaticSelectAction>>(ACTION_IDS.chooseTable, async ({ ack, body, action, respond, client }) => {
    await ack();
    const user = slackUser(body.team?.id ?? body.user.team_id, body.user.id, body.user.username ?? body.user.name);
    const log = deps.log.child({ event: 'block_actions', actionId: ACTION_IDS.chooseTable, teamId: user.teamId, userId: user.userId });
    const chosen = action.selected_option?.value;
    if (!chosen) return;
    let outcome: ChooseTargetOutcome;
    try {
      outcome = await deps.core.chooseTarget(user, chosen);
    } catch (err) {
      log.error({ err }, 'choose target failed');
      await respondEphemeral(respond, saveOutcomeMessage({ kind: 'failed', reason: 'internal' }), log);
      return;
    }
    log.info({ outcome: outcome.kind }, 'target chosen');
    if (body.container?.type === 'view' || body.view?.type === 'home') {
      await publishHome({ core: deps.core, client, log }, user);
      return;
    }
    await respondEphemeral(respond, chooseOutcomeMessage(outcome), log, { replaceOriginal: true });
  });

  // URL buttons still send a block action; ack it so Slack shows no error next to the button.
  app.action(ACTION_IDS.connectLink, async ({ ack }) => ack());
  app.action(ACTION_IDS.openInNotion, async ({ ack }) => ack());
}

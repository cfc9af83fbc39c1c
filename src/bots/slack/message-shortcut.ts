import type { App, MessageShortcut } from '@slack/bolt';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import { saveOutcomeMessage } from './blocks.js';
import { SAVE_SHORTCUT_CALLBACK_ID } from './constants.js';
import { respondEphemeral } from './reply.js';
import { saveToEnd } from '../../chat/settle-save.js';
import { slackUser } from './slack-user.js';
import { tweetInputFromMessage } from './unfurl.js';

/**
 * The "Save to Notion" message shortcut: saves the tweet of the message it was used on (its
 * Twitter/X unfurl when there is one, else its tweet link, else its text; see
 * `tweetInputFromMessage`) and answers ephemerally.
 */
export function registerMessageShortcut(app: App, deps: { core: Core; log: Logger }): void {
  app.shortcut<MessageShortcut>({ callback_id: SAVE_SHORTCUT_CALLBACK_ID, type: 'message_action' }, async ({ shortcut, ack, respond }) => {
    await ack();
    const teamId = shortcut.team?.id ?? shortcut.user.team_id;
    const user = slackUser(teamId, shortcut.user.id, shortcut.user.username ?? shortcut.user.name);
    const log = deps.log.child({ event: 'message_action', callbackId: SAVE_SHORTCUT_CALLBACK_ID, teamId, userId: user.userId });
    const outcome = await saveToEnd(deps.core, user, tweetInputFromMessage(shortcut.message), log);
    await respondEphemeral(respond, saveOutcomeMessage(outcome), log);
  });
}

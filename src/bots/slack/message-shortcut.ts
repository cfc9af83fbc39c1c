import type { App, MessageShortcut } from '@slack/bolt';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import { saveOutcomeMessage } from './blocks.js';
import { SAVE_SHORTCUT_CALLBACK_ID } from './constants.js';
import { respondEphemeral, responseUrlReplyTo } from './reply.js';
import { acceptTweet } from '../../chat/settle-save.js';
import { slackUser } from './slack-user.js';
import { tweetInputFromMessage } from './unfurl.js';

/**
 * The "Save to Notion" message shortcut: saves the tweet of the message it was used on (its
 * Twitter/X unfurl when there is one, else its tweet link, else its text; see
 * `tweetInputFromMessage`) and answers ephemerally.
 */
export function registerMessageShortcut(app: App, deps: { core: Core; log: Logger }): void {
  app.shortcut<MessageShortcut>({ callback_id: SAVE_SHORTCUT_CALLBACK_ID, type: 'message_action' }, async ({ shortcut, ack, respond }) => {
    const teamId = shortcut.team?.id ?? shortcut.user.team_id;
    const user = slackUser(teamId, shortcut.user.id, shortcut.user.username ?? shortcut.user.name);
    const log = deps.log.child({ event: 'message_action', callbackId: SAVE_SHORTCUT_CALLBACK_ID, teamId, userId: user.userId });
    // Stored as a job before Slack is acknowledged; the notifier answers on the response_url.
    const outcome = await acceptTweet(deps.core, user, tweetInputFromMessage(shortcut.message), log, responseUrlReplyTo(shortcut.response_url));
    await ack();
    if (outcome) await respondEphemeral(respond, saveOutcomeMessage(outcome), log);
  });
}

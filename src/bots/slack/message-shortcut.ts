import type { MessageShortcut } from '@slack/bolt';
import { acceptTweet } from '../../chat/settle-save.js';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import { saveOutcomeMessage } from './blocks.js';
import { SAVE_SHORTCUT_CALLBACK_ID, SAVE_THREAD_SHORTCUT_CALLBACK_ID } from './constants.js';
import type { SlackListeners } from './listeners.js';
import { respondEphemeral, responseUrlReplyTo } from './reply.js';
import { slackUser } from './slack-user.js';
import { tweetInputFromMessage } from './unfurl.js';
import type { WorkspaceNames } from './workspace-names.js';

/**
 * The "Save to Notion" message shortcut: saves the tweet of the message it was used on (its
 * Twitter/X unfurl when there is one, else its tweet link, else its text; see
 * `tweetInputFromMessage`) and answers ephemerally.
 */
export function registerMessageShortcut(
  app: SlackListeners,
  deps: { core: Core; log: Logger; workspaces: WorkspaceNames },
): void {
  // "Save thread to Notion" is the same, for the author's whole chain the tweet is in.
  for (const [callbackId, thread] of [
    [SAVE_SHORTCUT_CALLBACK_ID, false],
    [SAVE_THREAD_SHORTCUT_CALLBACK_ID, true],
  ] as const) {
    app.shortcut<MessageShortcut>(
      { callback_id: callbackId, type: 'message_action' },
      async ({ shortcut, ack, respond }) => {
        const teamId = shortcut.team?.id ?? shortcut.user.team_id;
        const name = shortcut.user.username ?? shortcut.user.name;
        const user = slackUser(teamId, shortcut.user.id, name, deps.workspaces.of(teamId, shortcut.team?.domain));
        const log = deps.log.child({ event: 'message_action', callbackId, teamId, userId: user.userId });
        // Stored as a job before Slack is acknowledged; the notifier answers on the response_url.
        const replyTo = responseUrlReplyTo(shortcut.response_url);
        const input = tweetInputFromMessage(shortcut.message);
        const outcome = await acceptTweet(deps.core, user, input, log, replyTo, thread ? { thread } : undefined);
        await ack();
        if (outcome) await respondEphemeral(respond, saveOutcomeMessage(outcome), log);
      },
    );
  }
}

import type { webApi } from '@slack/bolt';
import type { ChatUser } from '../../core/chat-user.js';
import type { ChatNotifier } from '../../core/outcomes.js';
import type { Logger } from '../../log.js';
import { createDmNotifier } from '../dm-notifier.js';
import { connectedMessage, pendingSavedMessage, reconnectNeededMessage } from './blocks.js';
import { errorSummary } from './reply.js';
import { sendSlackDm } from './send-dm.js';

/**
 * Reaches Slack users outside a request, by DM: after the OAuth callback (where tweets will be
 * saved, the picker or the create-table offer), once when Notion stops accepting the connection
 * (with a Reconnect button to a personal link), and after the reconnect (how the kept saves went).
 * In distribution mode each DM uses the token of the user's own workspace.
 */
export function createSlackNotifier(
  client: webApi.WebClient,
  /** The bot token of the user's workspace: one fixed token, or the workspace's installation's. */
  botTokenFor: (user: ChatUser) => Promise<string | undefined>,
  log: Logger,
): ChatNotifier {
  return createDmNotifier(
    {
      platform: 'slack',
      async send(user, message) {
        const botToken = await botTokenFor(user);
        if (botToken === undefined) throw Object.assign(new Error('the workspace has no installation'), { code: 'not_installed' });
        await sendSlackDm(client, user, message, botToken);
      },
      errorFields: (err) => ({ err: errorSummary(err) }),
      connected: connectedMessage,
      reconnectNeeded: reconnectNeededMessage,
      pendingSaved: pendingSavedMessage,
    },
    log,
  );
}

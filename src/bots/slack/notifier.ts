import type { webApi } from '@slack/bolt';
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
 */
export function createSlackNotifier(client: webApi.WebClient, botToken: string, log: Logger): ChatNotifier {
  return createDmNotifier(
    {
      platform: 'slack',
      send: (user, message) => sendSlackDm(client, user, message, botToken),
      errorFields: (err) => ({ err: errorSummary(err) }),
      connected: connectedMessage,
      reconnectNeeded: reconnectNeededMessage,
      pendingSaved: pendingSavedMessage,
    },
    log,
  );
}

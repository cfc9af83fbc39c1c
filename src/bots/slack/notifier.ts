import type { webApi } from '@slack/bolt';
import type { ChatUser } from '../../core/chat-user.js';
import type { ChatNotifier, ConnectedNotice } from '../../core/outcomes.js';
import type { Logger } from '../../log.js';
import { connectedMessage } from './blocks.js';
import { errorSummary } from './reply.js';

/**
 * Reaches Slack users outside a request: after the OAuth callback, a DM (chat.postMessage to
 * the user id) saying where tweets will be saved, or with the table picker. Failures are
 * logged, not thrown: the connection is stored either way.
 */
export function createSlackNotifier(client: webApi.WebClient, botToken: string, log: Logger): ChatNotifier {
  return {
    async notifyConnected(user: ChatUser, notice: ConnectedNotice): Promise<void> {
      const message = connectedMessage(notice);
      try {
        await client.chat.postMessage({ token: botToken, channel: user.userId, text: message.text, blocks: message.blocks, unfurl_links: false });
        log.info({ event: 'notify_connected', teamId: user.teamId, userId: user.userId, target: notice.status.kind }, 'connected DM sent');
      } catch (err) {
        log.warn({ event: 'notify_connected', err: errorSummary(err), teamId: user.teamId, userId: user.userId }, 'connected DM failed');
      }
    },
  };
}

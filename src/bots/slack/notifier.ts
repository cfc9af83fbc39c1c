import type { webApi } from '@slack/bolt';
import type { ChatUser } from '../../core/chat-user.js';
import type { ChatNotifier, ConnectedNotice, ReconnectNotice, SaveOutcome } from '../../core/outcomes.js';
import type { Logger } from '../../log.js';
import { connectedMessage, pendingSavedMessage, reconnectNeededMessage, type SlackMessage } from './blocks.js';
import { errorSummary } from './reply.js';

/**
 * Reaches Slack users outside a request, by DM (chat.postMessage to the user id opens the
 * app's DM): after the OAuth callback (where tweets will be saved, the picker or the
 * create-table offer), once when Notion stops accepting the connection (with a Reconnect
 * button to a personal link), and after the reconnect (how the kept saves went). Failures are
 * logged, not thrown: core's state is stored either way. In distribution mode each DM uses the
 * token of the user's own workspace.
 */
export function createSlackNotifier(
  client: webApi.WebClient,
  /** The bot token of the user's workspace: one fixed token, or the workspace's installation's. */
  botTokenFor: (user: ChatUser) => Promise<string | undefined>,
  log: Logger,
): ChatNotifier {
  async function dm(user: ChatUser, message: SlackMessage, event: string, fields: Record<string, unknown> = {}): Promise<void> {
    const where = { event, teamId: user.teamId, userId: user.userId };
    try {
      const botToken = await botTokenFor(user);
      if (botToken === undefined) {
        log.warn(where, 'DM skipped: the workspace has no installation');
        return;
      }
      await client.chat.postMessage({ token: botToken, channel: user.userId, text: message.text, blocks: message.blocks, unfurl_links: false });
      log.info({ ...where, ...fields }, 'DM sent');
    } catch (err) {
      log.warn({ ...where, err: errorSummary(err) }, 'DM failed');
    }
  }

  return {
    notifyConnected(user: ChatUser, notice: ConnectedNotice): Promise<void> {
      return dm(user, connectedMessage(notice), 'notify_connected', { target: notice.status.kind });
    },
    notifyReconnectNeeded(user: ChatUser, notice: ReconnectNotice): Promise<void> {
      return dm(user, reconnectNeededMessage(notice), 'notify_reconnect_needed', { pending: notice.pending });
    },
    notifyPendingSaved(user: ChatUser, outcomes: SaveOutcome[]): Promise<void> {
      return dm(user, pendingSavedMessage(outcomes), 'notify_pending_saved', { count: outcomes.length });
    },
  };
}

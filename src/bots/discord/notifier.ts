import type { Client } from 'discord.js';
import type { ChatUser } from '../../core/chat-user.js';
import type { ChatNotifier, ConnectedNotice } from '../../core/outcomes.js';
import type { Logger } from '../../log.js';
import { errorFields } from './errors.js';
import { connectedReply } from './replies.js';

/**
 * How core reaches a Discord user after the OAuth callback: a DM with the workspace and
 * table, or a menu to pick the table. Best effort: the browser page already shows the
 * result, so a closed DM is logged, not thrown.
 */
export function createDiscordNotifier(client: Client, log: Logger): ChatNotifier {
  return {
    async notifyConnected(user: ChatUser, notice: ConnectedNotice): Promise<void> {
      if (user.platform !== 'discord') return;
      try {
        await client.users.send(user.userId, connectedReply(notice));
        log.info({ userId: user.userId, target: notice.status.kind }, 'connect result sent by DM');
      } catch (err) {
        log.warn({ userId: user.userId, ...errorFields(err) }, 'could not DM the connect result');
      }
    },
  };
}

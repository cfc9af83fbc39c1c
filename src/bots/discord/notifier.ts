import type { Client } from 'discord.js';
import type { ChatUser } from '../../core/chat-user.js';
import type { ChatNotifier, ConnectedNotice, ReconnectNotice, SaveOutcome } from '../../core/outcomes.js';
import type { Logger } from '../../log.js';
import { errorFields } from './errors.js';
import { connectedReply, pendingSavedDm, reconnectNeededDm, type DiscordReply } from './replies.js';

/**
 * How core reaches a Discord user outside a request, always by DM: the connect result (workspace
 * and table, a table menu or the create-table offer), the one Reconnect prompt when Notion stops
 * accepting the connection, and the results of the saves kept until the reconnect. Best effort: a
 * closed DM is logged, not thrown (the browser page or the save reply already said the essentials).
 */
export function createDiscordNotifier(client: Client, log: Logger): ChatNotifier {
  async function dm(user: ChatUser, body: DiscordReply, what: string, fields: Record<string, unknown> = {}): Promise<void> {
    if (user.platform !== 'discord') return;
    try {
      // createDM with force: one REST call, no cached bot user needed (the notifier's client may be REST only).
      const channel = await client.users.createDM(user.userId, { force: true });
      await channel.send(body);
      log.info({ userId: user.userId, ...fields }, `${what} sent by DM`);
    } catch (err) {
      log.warn({ userId: user.userId, ...fields, ...errorFields(err) }, `could not DM the ${what}`);
    }
  }

  return {
    notifyConnected(user: ChatUser, notice: ConnectedNotice): Promise<void> {
      return dm(user, connectedReply(notice), 'connect result', { target: notice.status.kind });
    },
    notifyReconnectNeeded(user: ChatUser, notice: ReconnectNotice): Promise<void> {
      return dm(user, reconnectNeededDm(notice), 'reconnect prompt', { pending: notice.pending });
    },
    notifyPendingSaved(user: ChatUser, outcomes: SaveOutcome[]): Promise<void> {
      return dm(user, pendingSavedDm(outcomes), 'kept saves result', { count: outcomes.length });
    },
  };
}

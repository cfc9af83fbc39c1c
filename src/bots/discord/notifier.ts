import type { Client } from 'discord.js';
import type { ChatNotifier } from '../../core/outcomes.js';
import type { Logger } from '../../log.js';
import { createDmNotifier } from '../dm-notifier.js';
import { errorFields } from './errors.js';
import { connectedReply, pendingSavedDm, reconnectNeededDm } from './replies.js';
import { sendDiscordDm } from './send-dm.js';

/**
 * How core reaches a Discord user outside a request, always by DM: the connect result (workspace
 * and table, a table menu or the create-table offer), the one Reconnect prompt when Notion stops
 * accepting the connection, and the results of the saves kept until the reconnect.
 */
export function createDiscordNotifier(client: Client, log: Logger): ChatNotifier {
  return createDmNotifier(
    {
      platform: 'discord',
      send: (user, body) => sendDiscordDm(client, user.userId, body),
      errorFields,
      connected: connectedReply,
      reconnectNeeded: reconnectNeededDm,
      pendingSaved: pendingSavedDm,
    },
    log,
  );
}

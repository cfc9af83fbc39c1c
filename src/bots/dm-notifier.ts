import type { ChatUser, Platform } from '../core/chat-user.js';
import type { ChatNotifier, ConnectedNotice, ReconnectNotice } from '../core/outcomes.js';
import type { Logger } from '../log.js';

/** How one platform reaches a user by DM, and how it renders each of core's notices. */
export interface DmChannel<M> {
  platform: Platform;
  /** Sends `message` to the user's DM; rejects when the platform refuses (DMs closed, bad token, …). */
  send(user: ChatUser, message: M): Promise<void>;
  /** Log fields for a failed send: name, code and a summary, never a token or the message. */
  errorFields(err: unknown): Record<string, unknown>;
  connected(notice: ConnectedNotice): M;
  reconnectNeeded(notice: ReconnectNotice): M;
}

/**
 * The ChatNotifier both adapters register: each notice core sends outside a request becomes one DM.
 * Best effort: a failed DM is logged, not thrown, since core has stored its state either way (and
 * the browser page or the save reply already said the essentials). Users of another platform are
 * not this channel's to reach and are skipped.
 */
export function createDmNotifier<M>(channel: DmChannel<M>, log: Logger): Omit<ChatNotifier, 'deliverSaveResult'> {
  async function dm(user: ChatUser, message: M, event: string, fields: Record<string, unknown>): Promise<void> {
    if (user.platform !== channel.platform) return;
    const where = {
      event,
      ...(user.teamId !== undefined ? { teamId: user.teamId } : {}),
      userId: user.userId,
      ...fields,
    };
    try {
      await channel.send(user, message);
      log.info(where, 'DM sent');
    } catch (err) {
      log.warn({ ...where, ...channel.errorFields(err) }, 'DM failed');
    }
  }

  return {
    notifyConnected(user, notice) {
      return dm(user, channel.connected(notice), 'notify_connected', { target: notice.status.kind });
    },
    notifyReconnectNeeded(user, notice) {
      return dm(user, channel.reconnectNeeded(notice), 'notify_reconnect_needed', { pending: notice.pending });
    },
  };
}

import type { webApi } from '@slack/bolt';
import type { ChatUser } from '../../core/chat-user.js';
import type { ChatNotifier, ConnectedNotice, ReconnectNotice, SaveOutcome } from '../../core/outcomes.js';
import type { Logger } from '../../log.js';
import type { ReplyTo } from '../../core/save-jobs.js';
import { connectedMessage, pendingSavedMessage, reconnectNeededMessage, saveOutcomeMessage, type SlackMessage } from './blocks.js';
import { errorSummary } from './reply.js';

/** POSTs an ephemeral answer to a response_url (never logged: it is a credential); false when Slack refused it. */
async function postToResponseUrl(url: string, message: SlackMessage, replaceOriginal: boolean, log: Logger, where: Record<string, unknown>): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: message.text, blocks: message.blocks, replace_original: replaceOriginal }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.ok) {
      log.info(where, 'save result sent');
      return true;
    }
    log.warn({ ...where, status: res.status }, 'response_url answer refused; sending by DM');
  } catch (err) {
    log.warn({ ...where, err: errorSummary(err) }, 'response_url answer failed; sending by DM');
  }
  return false;
}

/**
 * Reaches Slack users outside a request, by DM (chat.postMessage to the user id opens the
 * app's DM): after the OAuth callback (where tweets will be saved, the picker or the
 * create-table offer), once when Notion stops accepting the connection (with a Reconnect
 * button to a personal link), and after the reconnect (how the kept saves went). Failures are
 * logged, not thrown: core's state is stored either way.
 */
export function createSlackNotifier(client: webApi.WebClient, botToken: string, log: Logger): ChatNotifier {
  /** response_urls that carry a "queued" note now (bounded): the final answer replaces it. */
  const noted = new Set<string>();
  const remember = (url: string) => {
    noted.add(url);
    if (noted.size > 10_000) noted.delete(noted.values().next().value!);
  };

  async function dm(user: ChatUser, message: SlackMessage, event: string, fields: Record<string, unknown> = {}): Promise<void> {
    const where = { event, teamId: user.teamId, userId: user.userId };
    try {
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
    async deliverSaveResult(replyTo: ReplyTo, user: ChatUser, outcome: SaveOutcome): Promise<void> {
      const message = saveOutcomeMessage(outcome);
      const where = { event: 'deliver_save_result', teamId: user.teamId, userId: user.userId, outcome: outcome.kind };
      if (replyTo.kind === 'slack_response_url' && Date.parse(replyTo.expiresAt) > Date.now()) {
        // The final answer replaces the "queued" note sent on the same response_url.
        const replace = replyTo.replaceOriginal === true || noted.delete(replyTo.url);
        if (await postToResponseUrl(replyTo.url, message, replace, log, where)) {
          if (outcome.kind === 'queued') remember(replyTo.url);
          return;
        }
      }
      if (replyTo.kind === 'dm' && replyTo.channelId) {
        try {
          await client.chat.postMessage({
            token: botToken,
            channel: replyTo.channelId,
            text: message.text,
            blocks: message.blocks,
            unfurl_links: false,
            ...(replyTo.inReplyTo ? { thread_ts: replyTo.inReplyTo } : {}),
          });
          log.info(where, 'save result sent');
        } catch (err) {
          log.warn({ ...where, err: errorSummary(err) }, 'DM reply failed');
        }
        return;
      }
      // Expired or spent response_url (or none): the user still hears, by DM.
      await dm(user, message, 'deliver_save_result', { outcome: outcome.kind });
    },
  };
}

import type { webApi } from '@slack/bolt';
import type { ChatUser } from '../../core/chat-user.js';
import type { ChatNotifier } from '../../core/outcomes.js';
import { outboundFetch } from '../../http/outbound-fetch.js';
import type { Logger } from '../../log.js';
import { createDmNotifier } from '../dm-notifier.js';
import { connectedMessage, reconnectNeededMessage, saveOutcomeMessage, type SlackMessage } from './blocks.js';
import { errorSummary } from './reply.js';
import { sendSlackDm } from './send-dm.js';

/** POSTs an ephemeral answer to a response_url (never logged: it is a credential); false when Slack refused it. */
async function postToResponseUrl(
  url: string,
  message: SlackMessage,
  replaceOriginal: boolean,
  log: Logger,
  where: Record<string, unknown>,
): Promise<boolean> {
  try {
    const res = await outboundFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: 'ephemeral',
        text: message.text,
        blocks: message.blocks,
        replace_original: replaceOriginal,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.ok) {
      log.debug(where, 'save result sent');
      return true;
    }
    log.warn({ ...where, status: res.status }, 'response_url answer refused; sending by DM');
  } catch (err) {
    log.warn({ ...where, err: errorSummary(err) }, 'response_url answer failed; sending by DM');
  }
  return false;
}

/**
 * Reaches Slack users outside a request, by DM: after the OAuth callback (where tweets will be
 * saved, the picker or the create-table offer), once when Notion stops accepting the connection
 * (with a Reconnect button to a personal link). A save job's result (a replayed kept save's too)
 * goes to its response_url while that is valid, else to the DM it came from, else a new DM. In
 * distribution mode each call uses the token of the user's own workspace.
 */
export function createSlackNotifier(
  client: webApi.WebClient,
  /** The bot token of the user's workspace: one fixed token, or the workspace's installation's. */
  botTokenFor: (user: ChatUser) => Promise<string | undefined>,
  log: Logger,
): ChatNotifier {
  const tokenOf = async (user: ChatUser) => {
    const botToken = await botTokenFor(user);
    if (botToken === undefined)
      throw Object.assign(new Error('the workspace has no installation'), { code: 'not_installed' });
    return botToken;
  };
  const dmNotifier = createDmNotifier(
    {
      platform: 'slack',
      send: async (user, message) => sendSlackDm(client, user, message, await tokenOf(user)),
      errorFields: (err) => ({ err: errorSummary(err) }),
      connected: connectedMessage,
      reconnectNeeded: reconnectNeededMessage,
    },
    log,
  );
  return {
    ...dmNotifier,
    async deliverSaveResult(replyTo, user, outcome, options): Promise<void> {
      if (user.platform !== 'slack') return;
      const message = saveOutcomeMessage(outcome);
      const where = { event: 'deliver_save_result', teamId: user.teamId, userId: user.userId, outcome: outcome.kind };
      if (replyTo.kind === 'slack_response_url' && Date.parse(replyTo.expiresAt) > Date.now()) {
        // The final answer replaces the "queued" note sent on the same response_url.
        const replace = replyTo.replaceOriginal === true || options?.replacesNote === true;
        if (await postToResponseUrl(replyTo.url, message, replace, log, where)) return;
      }
      try {
        const token = await tokenOf(user);
        if (replyTo.kind === 'dm' && replyTo.channelId) {
          await client.chat.postMessage({
            token,
            channel: replyTo.channelId,
            text: message.text,
            blocks: message.blocks,
            unfurl_links: false,
            ...(replyTo.inReplyTo ? { thread_ts: replyTo.inReplyTo } : {}),
          });
        } else {
          // Expired or spent response_url (or none): the user still hears, by DM.
          await sendSlackDm(client, user, message, token);
        }
        log.debug(where, 'save result sent');
      } catch (err) {
        log.warn({ ...where, err: errorSummary(err) }, 'save result could not be sent');
      }
    },
  };
}

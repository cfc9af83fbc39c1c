import type { RespondFn, webApi } from '@slack/bolt';
import type { ChatUser } from '../../core/chat-user.js';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import { connectMessage, saveOutcomeMessage } from './blocks.js';
import { errorSummary, respondEphemeral } from './reply.js';
import { sendSlackDm } from './send-dm.js';

/**
 * Creates a fresh personal connect link and DMs it (chat.postMessage to the user id opens
 * the app's DM). If the DM fails, the link goes ephemerally through `respond` when there is
 * one; it is never posted anywhere others can see it.
 */
export async function sendConnectLink(
  deps: { core: Core; client: webApi.WebClient; log: Logger },
  user: ChatUser,
  respond?: RespondFn,
): Promise<void> {
  const { core, client, log } = deps;
  let link;
  try {
    link = await core.connectUser(user);
  } catch (err) {
    log.error({ err }, 'connect link failed');
    await respondEphemeral(respond, saveOutcomeMessage({ kind: 'failed', reason: 'internal' }), log);
    return;
  }
  const message = connectMessage(link);
  try {
    await sendSlackDm(client, user, message);
    log.info({ reconnect: link.current.connected }, 'connect link sent by DM');
  } catch (err) {
    log.warn({ err: errorSummary(err) }, 'connect DM failed; answering ephemerally');
    await respondEphemeral(respond, message, log);
  }
}

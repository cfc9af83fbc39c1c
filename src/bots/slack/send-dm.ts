import type { webApi } from '@slack/bolt';
import type { ChatUser } from '../../core/chat-user.js';
import type { SlackMessage } from './blocks.js';

/**
 * The one way the Slack adapter DMs a user: chat.postMessage to the user id opens the app's DM
 * with them, without link previews. `token` for a client that has none bound (the notifier's,
 * outside a request).
 */
export async function sendSlackDm(
  client: webApi.WebClient,
  user: ChatUser,
  message: SlackMessage,
  token?: string,
): Promise<void> {
  await client.chat.postMessage({
    ...(token !== undefined ? { token } : {}),
    channel: user.userId,
    text: message.text,
    blocks: message.blocks,
    unfurl_links: false,
  });
}

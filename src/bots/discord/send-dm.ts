import type { Client } from 'discord.js';
import type { DiscordReply } from './replies.js';

/**
 * The one way the Discord adapter DMs a user: open (or reuse) the DM channel and post there.
 * Rejects with Discord's error, e.g. 50007 when the user takes no DMs from the bot (`isDmBlocked`).
 */
export async function sendDiscordDm(client: Client, userId: string, body: DiscordReply): Promise<void> {
  await client.users.send(userId, body);
}

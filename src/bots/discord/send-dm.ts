import type { Client } from 'discord.js';
import type { DiscordReply } from './replies.js';

/**
 * The one way the Discord adapter DMs a user: open (or reuse) the DM channel and post there.
 * Rejects with Discord's error, e.g. 50007 when the user takes no DMs from the bot (`isDmBlocked`).
 */
export async function sendDiscordDm(client: Client, userId: string, body: DiscordReply): Promise<void> {
  // createDM with force: one REST call and no cached bot user needed, so a REST-only client (an instance that does
  // not hold the gateway) can DM too. `users.send` would look the bot user up first.
  const channel = await client.users.createDM(userId, { force: true });
  await channel.send(body);
}

import type { User } from 'discord.js';
import type { ChatUser } from '../../core/chat-user.js';

/** Discord user ids are global, so a connection follows the person across servers and DMs. */
export function chatUserOf(user: Pick<User, 'id' | 'username'>): ChatUser {
  return { platform: 'discord', userId: user.id, displayName: user.username };
}

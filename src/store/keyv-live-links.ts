import type { Keyv } from 'keyv';
import { chatUserKey, type ChatUser } from '../core/chat-user.js';
import type { LiveLink, LiveLinks } from '../core/ports.js';
import type { TokenCipher } from './token-cipher.js';

/**
 * Each chat user's live connect link, so it can be shown again instead of a new row per request.
 * Unlike the link store (which keeps only a digest of the token), this record must give the token
 * back, so it is encrypted like a Notion token and bound to the user's key; it expires with the link.
 */
export class KeyvLiveLinks implements LiveLinks {
  constructor(private readonly options: { keyv: Keyv; cipher: TokenCipher }) {}

  private key(user: ChatUser): string {
    return `live-link:${chatUserKey(user)}`;
  }

  async get(user: ChatUser): Promise<LiveLink | undefined> {
    const key = this.key(user);
    const blob: unknown = await this.options.keyv.get(key);
    if (typeof blob !== 'string') return undefined;
    try {
      const link = JSON.parse(this.options.cipher.decrypt(blob, key).plaintext) as Partial<LiveLink>;
      return typeof link.token === 'string' && typeof link.expiresAt === 'string'
        ? { token: link.token, expiresAt: link.expiresAt }
        : undefined;
    } catch {
      // Unreadable (a retired key): a new link replaces it.
      return undefined;
    }
  }

  async set(user: ChatUser, link: LiveLink, ttlMs: number): Promise<void> {
    const key = this.key(user);
    await this.options.keyv.set(key, this.options.cipher.encrypt(JSON.stringify(link), key), ttlMs);
  }
}

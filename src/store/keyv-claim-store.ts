import type { Keyv } from 'keyv';
import { createHash } from 'node:crypto';
import type { ClaimStore } from '../core/ports.js';

/**
 * First-wins claims over Keyv: platform retries, saves in flight, the one reconnect DM.
 * Within a process, claims of one key are serialized, so exactly one caller wins. Keyv has no
 * set-if-absent, so two instances racing within the same few milliseconds could both win.
 */
export class KeyvClaimStore implements ClaimStore {
  /** Keys whose has-then-set is under way in this process. */
  private readonly deciding = new Set<string>();

  constructor(private readonly options: { keyv: Keyv; prefix?: string }) {}

  private storeKey(key: string): string {
    return `${this.options.prefix ?? 'claim'}:${createHash('sha256').update(key).digest('hex')}`;
  }

  async release(key: string): Promise<void> {
    await this.options.keyv.delete(this.storeKey(key));
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const storeKey = this.storeKey(key);
    // Checked and marked synchronously: a concurrent claim of the same key in this process loses.
    if (this.deciding.has(storeKey)) return false;
    this.deciding.add(storeKey);
    try {
      if (await this.options.keyv.has(storeKey)) return false;
      await this.options.keyv.set(storeKey, 1, ttlMs);
      return true;
    } finally {
      this.deciding.delete(storeKey);
    }
  }
}

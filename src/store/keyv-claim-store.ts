import type { Keyv } from 'keyv';
import { createHash } from 'node:crypto';
import type { ClaimStore } from '../core/ports.js';

/**
 * First-wins claims over Keyv, for platform retries. Keyv has no set-if-absent, so two
 * instances racing within the same millisecond could both win; a retry arrives seconds later.
 */
export class KeyvClaimStore implements ClaimStore {
  constructor(private readonly options: { keyv: Keyv; prefix?: string }) {}

  private storeKey(key: string): string {
    return `${this.options.prefix ?? 'claim'}:${createHash('sha256').update(key).digest('hex')}`;
  }

  async release(key: string): Promise<void> {
    await this.options.keyv.delete(this.storeKey(key));
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const storeKey = this.storeKey(key);
    if (await this.options.keyv.has(storeKey)) return false;
    await this.options.keyv.set(storeKey, 1, ttlMs);
    return true;
  }
}

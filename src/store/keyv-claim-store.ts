import type { Keyv } from 'keyv';
import { createHash } from 'node:crypto';
import type { ClaimStore } from '../core/ports.js';
import { setIfAbsent } from './keyv-factory.js';

/**
 * First-wins claims over Keyv: platform retries, saves in flight, the one reconnect DM. Exactly one
 * caller wins a key, in this process and across instances sharing the store (see `setIfAbsent`).
 */
export class KeyvClaimStore implements ClaimStore {
  constructor(private readonly options: { keyv: Keyv; prefix?: string }) {}

  private storeKey(key: string): string {
    return `${this.options.prefix ?? 'claim'}:${createHash('sha256').update(key).digest('hex')}`;
  }

  async release(key: string): Promise<void> {
    await this.options.keyv.delete(this.storeKey(key));
  }

  claim(key: string, ttlMs: number): Promise<boolean> {
    return setIfAbsent(this.options.keyv, this.storeKey(key), 1, ttlMs);
  }
}

import type { Keyv } from 'keyv';
import { createHash } from 'node:crypto';
import type { ClaimStore } from '../core/ports.js';
import { setIfAbsent } from './keyv-factory.js';

/** Per store, the keys being decided in this process (shared by every claim store over that Keyv). */
const decidingByStore = new WeakMap<Keyv, Set<string>>();

/**
 * First-wins claims over Keyv: platform retries, saves in flight, the one reconnect DM.
 * Exactly one caller wins a key: within a process, claims of one key are decided one at a time;
 * across instances, the store's set-if-absent decides (sqlite, Postgres, Redis).
 */
export class KeyvClaimStore implements ClaimStore {
  private readonly deciding: Set<string>;

  constructor(private readonly options: { keyv: Keyv; prefix?: string }) {
    let deciding = decidingByStore.get(options.keyv);
    if (!deciding) decidingByStore.set(options.keyv, (deciding = new Set()));
    this.deciding = deciding;
  }

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
      return await setIfAbsent(this.options.keyv, storeKey, 1, ttlMs);
    } finally {
      this.deciding.delete(storeKey);
    }
  }
}

import type { Keyv } from 'keyv';
import { createHash } from 'node:crypto';
import type { OneTimeStore } from '../core/ports.js';

/** The store key of a one-time token: only its SHA-256 is stored, so a dump holds no usable link or state. */
export function oneTimeStoreKey(prefix: string, token: string): string {
  return `${prefix}:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

/**
 * Single-use tokens (connect links, OAuth states) in Keyv with a TTL. `take` reads, then deletes, and
 * only the caller whose delete removed the entry gets the value; the adapters' deletes are atomic, so
 * each token is taken at most once even across instances sharing the store. Values are stored as JSON
 * and must hold no secrets.
 */
export class KeyvOneTimeStore<T> implements OneTimeStore<T> {
  private readonly keyv: Keyv;
  private readonly prefix: string;

  constructor(options: { keyv: Keyv; prefix: string }) {
    if (!/^[a-z0-9-]+$/i.test(options.prefix))
      throw new TypeError('a one-time store prefix is letters, digits and "-"');
    this.keyv = options.keyv;
    this.prefix = options.prefix;
  }

  async put(token: string, value: T, ttlMs: number): Promise<void> {
    if (token === '') throw new TypeError('a one-time token may not be empty');
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError('ttlMs must be a positive integer');
    await this.keyv.set(oneTimeStoreKey(this.prefix, token), value, ttlMs);
  }

  async peek(token: string): Promise<T | undefined> {
    if (token === '') return undefined;
    return ((await this.keyv.get(oneTimeStoreKey(this.prefix, token))) as T | undefined | null) ?? undefined;
  }

  async take(token: string): Promise<T | undefined> {
    if (token === '') return undefined;
    const key = oneTimeStoreKey(this.prefix, token);
    const value = (await this.keyv.get(key)) as T | undefined | null;
    if (value === undefined || value === null) return undefined;
    // A concurrent taker that deleted first wins; this one saw the value but must not use it.
    if (!(await this.keyv.delete(key))) return undefined;
    return value;
  }
}

import type { Keyv } from 'keyv';
import { StoreDecryptError } from '../core/errors.js';
import type { TokenCipher } from './token-cipher.js';

/** A record read back: its value, and whether it should be rewritten (kept in clear, or under an older key). */
export interface OpenedRecord<T> {
  value: T;
  stale: boolean;
}

/** `value` as stored: the AES-GCM blob of its JSON, bound to `key` (it decrypts under no other key). */
export function sealRecord(cipher: TokenCipher, key: string, value: unknown): string {
  return cipher.encrypt(JSON.stringify(value), key);
}

/**
 * A stored record back as a value: a blob made by {@link sealRecord}, or the plain JSON value that
 * versions before encryption stored (read as is, and reported stale so it gets encrypted). Anything
 * that does not decrypt under `key`, parse, or pass `isValid` is a StoreDecryptError, never a value:
 * the message and cause never quote the contents.
 */
export function openRecord<T>(
  cipher: TokenCipher,
  key: string,
  stored: unknown,
  isValid: (value: unknown) => value is T,
): OpenedRecord<T> {
  if (typeof stored !== 'string') {
    if (!isValid(stored)) throw new StoreDecryptError({ cause: new Error('stored record has an unexpected shape') });
    return { value: stored, stale: true };
  }
  const { plaintext, stale } = cipher.decrypt(stored, key);
  let value: unknown;
  try {
    value = JSON.parse(plaintext);
  } catch {
    throw new StoreDecryptError({ cause: new Error('stored record is not JSON') });
  }
  if (!isValid(value)) throw new StoreDecryptError({ cause: new Error('stored record has an unexpected shape') });
  return { value, stale };
}

const sameStored = (a: unknown, b: unknown) =>
  a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));

/**
 * Writes `replacement` under `key` only while the key still holds `read`, keeping its time to live: a
 * write in between (a new save, a delete) is never undone. Keyv has no compare-and-set, so this
 * narrows the window to one round trip; callers rewrite what they read, which is the same either way.
 * True when it wrote.
 */
export async function rewriteIfUnchanged(
  keyv: Keyv,
  key: string,
  read: unknown,
  replacement: string,
): Promise<boolean> {
  const raw = await keyv.get(key, { raw: true });
  if (raw === undefined || !sameStored(raw.value, read)) return false;
  const ttl = typeof raw.expires === 'number' ? raw.expires - Date.now() : undefined;
  if (ttl !== undefined && ttl <= 0) return false;
  await keyv.set(key, replacement, ttl);
  return true;
}

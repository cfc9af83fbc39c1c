import { createCipheriv, createDecipheriv } from 'node:crypto';
import { StoreDecryptError } from '../core/errors.js';
import { randomBytes } from '../random-bytes.js';
import type { EncryptionKey } from './encryption-keys.js';

/** Authenticated encryption of stored values, bound to the store key they live under. */
export interface TokenCipher {
  /** Encrypts under the first key. `aad` is the store key: the blob only decrypts under the same one. */
  encrypt(plaintext: string, aad: string): string;
  /**
   * Decrypts a blob made by `encrypt` with the same `aad`. `stale` means it was encrypted under a key other
   * than the first, so the caller should re-encrypt it. Any failure throws StoreDecryptError.
   */
  decrypt(blob: string, aad: string): { plaintext: string; stale: boolean };
}

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * The header is authenticated along with the caller's aad, so neither the version nor the kid can be
 * swapped. Kids cannot contain `.`, so the encoding is unambiguous.
 */
function additionalData(kid: string, aad: string): Buffer {
  return Buffer.from(`${VERSION}.${kid}.${aad}`, 'utf8');
}

function malformed(): StoreDecryptError {
  return new StoreDecryptError({ cause: new Error('malformed encrypted value') });
}

function decodePart(part: string, bytes?: number): Buffer {
  if (!B64URL.test(part)) throw malformed();
  const buf = Buffer.from(part, 'base64url');
  if (bytes !== undefined && buf.length !== bytes) throw malformed();
  return buf;
}

/**
 * AES-256-GCM with a random 12-byte IV and a 16-byte tag. Blob format:
 * `v1.<kid>.<iv b64url>.<tag b64url>.<ciphertext b64url>`.
 */
export function createTokenCipher(keys: readonly EncryptionKey[]): TokenCipher {
  if (keys.length === 0) throw new TypeError('createTokenCipher needs at least one key');
  const byKid = new Map<string, Buffer>();
  for (const { kid, key } of keys) {
    if (kid.includes('.') || kid === '') throw new TypeError('an encryption key id may not be empty or contain "."');
    if (key.length !== 32) throw new TypeError(`encryption key "${kid}" must be 32 bytes`);
    if (byKid.has(kid)) throw new TypeError(`encryption key id "${kid}" appears more than once`);
    byKid.set(kid, Buffer.from(key)); // a private copy
  }
  const current = keys[0]!.kid;
  const currentKey = byKid.get(current)!;

  return {
    encrypt(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, currentKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(current, aad));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        VERSION,
        current,
        iv.toString('base64url'),
        tag.toString('base64url'),
        ciphertext.toString('base64url'),
      ].join('.');
    },

    decrypt(blob, aad) {
      if (typeof blob !== 'string') throw malformed();
      const parts = blob.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION) throw malformed();
      const [, kid, ivPart, tagPart, ctPart] = parts as [string, string, string, string, string];
      const key = byKid.get(kid);
      if (!key) throw new StoreDecryptError({ cause: new Error('encrypted under an unknown key id') });
      const iv = decodePart(ivPart, IV_BYTES);
      const tag = decodePart(tagPart, TAG_BYTES);
      const ciphertext = decodePart(ctPart);
      try {
        const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(additionalData(kid, aad));
        decipher.setAuthTag(tag);
        const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
        return { plaintext, stale: kid !== current };
      } catch (e) {
        // Node's message here is a fixed "unable to authenticate data": no key or plaintext in it.
        throw new StoreDecryptError({ cause: e });
      }
    },
  };
}

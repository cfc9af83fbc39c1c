import { describe, expect, it } from 'vitest';
import { StoreDecryptError } from '../../../src/core/errors.js';
import { parseEncryptionKeys } from '../../../src/store/encryption-keys.js';
import { createTokenCipher } from '../../../src/store/token-cipher.js';
import { newKey } from './helpers.js';

const AAD = 'connection:slack:T0001:U0001';
const OTHER_AAD = 'connection:slack:T0001:U0002';
const SECRET = 'ntn_ACCESS_token_value_that_is_secret';

/** Flips one bit of a base64url part of the blob. */
function tamper(blob: string, partIndex: number): string {
  const parts = blob.split('.');
  const bytes = Buffer.from(parts[partIndex]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[partIndex] = bytes.toString('base64url');
  return parts.join('.');
}

describe('createTokenCipher', () => {
  it('round-trips a value and writes a v1 blob that names the key and hides the plaintext', () => {
    const cipher = createTokenCipher([newKey('k1')]);
    const blob = cipher.encrypt(SECRET, AAD);
    expect(blob).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(blob).not.toContain(SECRET);
    expect(blob).not.toContain(Buffer.from(SECRET).toString('base64url'));
    expect(cipher.decrypt(blob, AAD)).toEqual({ plaintext: SECRET, stale: false });
  });

  it('uses a fresh IV every time', () => {
    const cipher = createTokenCipher([newKey('k1')]);
    const a = cipher.encrypt(SECRET, AAD);
    const b = cipher.encrypt(SECRET, AAD);
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  it('round-trips the empty string and non-ASCII text', () => {
    const cipher = createTokenCipher([newKey()]);
    expect(cipher.decrypt(cipher.encrypt('', AAD), AAD).plaintext).toBe('');
    expect(cipher.decrypt(cipher.encrypt('Zürich 🐦', AAD), AAD).plaintext).toBe('Zürich 🐦');
  });

  it('refuses a value copied under another user (wrong aad)', () => {
    const cipher = createTokenCipher([newKey()]);
    const blob = cipher.encrypt(SECRET, AAD);
    expect(() => cipher.decrypt(blob, OTHER_AAD)).toThrow(StoreDecryptError);
  });

  it.each([
    ['iv', 2],
    ['tag', 3],
    ['ciphertext', 4],
  ])('refuses a tampered %s', (_name, index) => {
    const cipher = createTokenCipher([newKey()]);
    const blob = cipher.encrypt(SECRET, AAD);
    expect(() => cipher.decrypt(tamper(blob, index), AAD)).toThrow(StoreDecryptError);
  });

  it('refuses a truncated ciphertext and a blob with a swapped kid', () => {
    const k1 = newKey('k1');
    const k2 = newKey('k2');
    const cipher = createTokenCipher([k1, k2]);
    const blob = cipher.encrypt(SECRET, AAD);
    expect(() => cipher.decrypt(blob.slice(0, -2), AAD)).toThrow(StoreDecryptError);
    expect(() => cipher.decrypt(blob.replace('.k1.', '.k2.'), AAD)).toThrow(StoreDecryptError);
  });

  it.each([
    ['empty', ''],
    ['plain JSON', '{"accessToken":"x"}'],
    ['wrong version', 'v2.default.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA'],
    ['too few parts', 'v1.default.AAAAAAAAAAAAAAAA.AAAA'],
    ['short iv', 'v1.default.AAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA'],
    ['not base64url', 'v1.default.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA+/'],
  ])('refuses a malformed blob (%s) with StoreDecryptError', (_name, blob) => {
    const cipher = createTokenCipher([newKey()]);
    expect(() => cipher.decrypt(blob, AAD)).toThrow(StoreDecryptError);
  });

  it('refuses a blob under an unknown kid', () => {
    const blob = createTokenCipher([newKey('old')]).encrypt(SECRET, AAD);
    const cipher = createTokenCipher([newKey('new')]);
    expect(() => cipher.decrypt(blob, AAD)).toThrow(StoreDecryptError);
  });

  it('keeps key material and plaintext out of its errors', () => {
    const key = newKey('k1');
    const cipher = createTokenCipher([key]);
    const blob = cipher.encrypt(SECRET, AAD);
    let error: unknown;
    try {
      cipher.decrypt(blob, OTHER_AAD);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreDecryptError);
    const seen = `${String(error)} ${String((error as Error).cause)} ${JSON.stringify(error)}`;
    expect(seen).not.toContain(SECRET);
    expect(seen).not.toContain(key.base64);
    expect(seen).not.toContain(key.key.toString('hex'));
  });

  it('rotates: old blobs decrypt as stale under the new list; re-encrypted ones need only the new key', () => {
    const k1 = newKey('k1');
    const k2 = newKey('k2');
    const oldCipher = createTokenCipher(parseEncryptionKeys(`k1:${k1.base64}`));
    const oldBlob = oldCipher.encrypt(SECRET, AAD);

    const rotated = createTokenCipher(parseEncryptionKeys(`k2:${k2.base64},k1:${k1.base64}`));
    expect(rotated.decrypt(oldBlob, AAD)).toEqual({ plaintext: SECRET, stale: true });

    const newBlob = rotated.encrypt(SECRET, AAD);
    expect(newBlob.startsWith('v1.k2.')).toBe(true);
    expect(rotated.decrypt(newBlob, AAD)).toEqual({ plaintext: SECRET, stale: false });

    const onlyNew = createTokenCipher(parseEncryptionKeys(`k2:${k2.base64}`));
    expect(onlyNew.decrypt(newBlob, AAD)).toEqual({ plaintext: SECRET, stale: false });
    expect(() => onlyNew.decrypt(oldBlob, AAD)).toThrow(StoreDecryptError);
  });

  it('refuses an empty key list and a key of the wrong length', () => {
    expect(() => createTokenCipher([])).toThrow(TypeError);
    expect(() => createTokenCipher([{ kid: 'k', key: Buffer.alloc(16) }])).toThrow(TypeError);
  });

  it('does not change when the caller later mutates the key buffer', () => {
    const key = newKey();
    const cipher = createTokenCipher([key]);
    const blob = cipher.encrypt(SECRET, AAD);
    key.key.fill(0);
    expect(cipher.decrypt(blob, AAD).plaintext).toBe(SECRET);
  });
});

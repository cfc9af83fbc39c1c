import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../config.js';
import type { Logger } from '../log.js';

/** One AES-256 key and the id written into every blob it encrypts. */
export interface EncryptionKey {
  kid: string;
  key: Buffer;
}

/** The kid of a bare (un-named) key. */
export const DEFAULT_KID = 'default';
/** File name of the development key inside DATA_DIR. */
export const DEV_KEY_FILE = 'token-encryption.key';

const KEY_BYTES = 32;
const KID = /^[A-Za-z0-9_-]{1,32}$/;
/** Standard or URL-safe base64, optional padding. Checked before decoding because Buffer.from ignores junk. */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function fail(detail: string): never {
  throw new ConfigError(`TOKEN_ENCRYPTION_KEY: ${detail}`);
}

function decodeKey(material: string, where: string): Buffer {
  if (!BASE64.test(material)) fail(`${where} is not base64 (generate one with \`openssl rand -base64 32\`)`);
  const key = Buffer.from(material, 'base64');
  if (key.length !== KEY_BYTES) {
    fail(
      `${where} decodes to ${key.length} bytes, expected ${KEY_BYTES} (generate one with \`openssl rand -base64 32\`)`,
    );
  }
  return key;
}

/**
 * Parses TOKEN_ENCRYPTION_KEY: either one bare base64 key (kid `default`) or `kid:base64,kid2:base64`.
 * The first key encrypts; all of them decrypt, which is how keys are rotated. Each key is 32 bytes.
 * Throws ConfigError with a one-line message starting `TOKEN_ENCRYPTION_KEY:` that never quotes key material.
 */
export function parseEncryptionKeys(raw: string): EncryptionKey[] {
  const value = raw.trim();
  if (value === '') fail('is empty');
  if (!value.includes(':') && !value.includes(',')) {
    return [{ kid: DEFAULT_KID, key: decodeKey(value, 'the key') }];
  }
  const keys: EncryptionKey[] = [];
  const entries = value.split(',');
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const item = entry.trim();
    if (item === '') fail(`${where} is empty (expected kid:base64,kid2:base64)`);
    const colon = item.indexOf(':');
    if (colon < 0) fail(`${where} has no key id (expected kid:base64,kid2:base64)`);
    const kid = item.slice(0, colon).trim();
    // The kid is not secret, but an invalid one might be a pasted key: only echo it when it is valid.
    if (!KID.test(kid)) fail(`${where} has an invalid key id (use 1-32 of A-Z a-z 0-9 _ -)`);
    if (keys.some((k) => k.kid === kid)) fail(`key id "${kid}" appears more than once`);
    keys.push({ kid, key: decodeKey(item.slice(colon + 1).trim(), `key "${kid}"`) });
  });
  return keys;
}

function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ENOENT';
}

async function readDevKey(path: string): Promise<EncryptionKey[]> {
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) {
    throw new ConfigError(
      `TOKEN_ENCRYPTION_KEY: the development key file ${path} is readable by other users; run \`chmod 600 ${path}\` (or set TOKEN_ENCRYPTION_KEY)`,
    );
  }
  const content = (await readFile(path, 'utf8')).trim();
  try {
    return parseEncryptionKeys(content);
  } catch (e) {
    if (e instanceof ConfigError) {
      throw new ConfigError(
        `TOKEN_ENCRYPTION_KEY: the development key file ${path} is not a valid key; delete it to generate a new one`,
      );
    }
    throw e;
  }
}

/**
 * Outside production, when TOKEN_ENCRYPTION_KEY is unset: reads `<dataDir>/token-encryption.key`, or creates it
 * (32 random bytes, base64, mode 0600) and warns. Refuses a key file that group or others can read.
 * Connections encrypted with this key are unreadable without the file, so deleting it means reconnecting.
 */
export async function loadOrCreateDevKey(dataDir: string, log: Logger): Promise<EncryptionKey[]> {
  const path = resolve(join(dataDir, DEV_KEY_FILE));
  try {
    return await readDevKey(path);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const material = randomBytes(KEY_BYTES).toString('base64');
  try {
    // `wx`: never overwrite a key another process created meanwhile; its blobs would become unreadable.
    await writeFile(path, `${material}\n`, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'EEXIST') return readDevKey(path);
    throw e;
  }
  await chmod(path, 0o600); // whatever the umask did
  log.warn(
    { event: 'store.dev_key_generated', path },
    `generated a development encryption key at ${path}; set TOKEN_ENCRYPTION_KEY in production`,
  );
  return [{ kid: DEFAULT_KID, key: Buffer.from(material, 'base64') }];
}

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config.js';
import { DEV_KEY_FILE, loadOrCreateDevKey, parseEncryptionKeys } from '../../../src/store/encryption-keys.js';
import { captureLogger, newKey, tempDir } from './helpers.js';

/** Runs `fn`, expects a ConfigError, and returns its message. */
function configErrorOf(fn: () => unknown): string {
  expect(fn).toThrow(ConfigError);
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('unreachable');
}

describe('parseEncryptionKeys', () => {
  it('takes one bare base64 key as kid "default"', () => {
    const k = newKey();
    const keys = parseEncryptionKeys(`  ${k.base64}\n`);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.kid).toBe('default');
    expect(keys[0]!.key.equals(k.key)).toBe(true);
  });

  it('accepts URL-safe base64 without padding', () => {
    const k = newKey();
    const keys = parseEncryptionKeys(k.key.toString('base64url'));
    expect(keys[0]!.key.equals(k.key)).toBe(true);
  });

  it('takes a kid:base64 list in order; the first encrypts', () => {
    const a = newKey('2025-06');
    const b = newKey('old_key');
    const keys = parseEncryptionKeys(`2025-06:${a.base64}, old_key:${b.base64}`);
    expect(keys.map((k) => k.kid)).toEqual(['2025-06', 'old_key']);
    expect(keys[0]!.key.equals(a.key)).toBe(true);
    expect(keys[1]!.key.equals(b.key)).toBe(true);
  });

  const short = randomBytes(16).toString('base64');
  const long = randomBytes(33).toString('base64');
  const good = newKey().base64;
  it.each([
    ['empty', '   ', /is empty/],
    ['a 16-byte key', short, /16 bytes, expected 32/],
    ['a 33-byte key', long, /33 bytes, expected 32/],
    ['not base64', `${good.slice(0, 20)}!!${good.slice(22)}`, /not base64/],
    ['a listed key of the wrong length', `k1:${short}`, /key "k1" decodes to 16 bytes/],
    ['a listed key that is not base64', `k1:${good.slice(0, 40)}$$$$`, /key "k1" is not base64/],
    ['a duplicate kid', `k1:${good},k1:${newKey().base64}`, /key id "k1" appears more than once/],
    ['a bad kid', `bad kid:${good}`, /invalid key id/],
    ['a too-long kid', `${'k'.repeat(33)}:${good}`, /invalid key id/],
    ['an empty entry', `k1:${good},`, /entry 2 is empty/],
    ['a list entry without kid', `k1:${good},${newKey().base64}`, /entry 2 has no key id/],
  ])('rejects %s with a TOKEN_ENCRYPTION_KEY: message that quotes no key material', (_name, raw, pattern) => {
    const message = configErrorOf(() => parseEncryptionKeys(raw));
    expect(message.startsWith('TOKEN_ENCRYPTION_KEY:')).toBe(true);
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
    for (const material of [short, long, good, good.slice(0, 20)]) expect(message).not.toContain(material);
  });
});

describe('loadOrCreateDevKey', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('creates a 0600 key file (and its directory), warns once, and reuses it', async () => {
    const dataDir = join(dir.path, 'nested', 'data');
    const { log, lines } = captureLogger();
    const first = await loadOrCreateDevKey(dataDir, log);
    const file = join(dataDir, DEV_KEY_FILE);

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first).toHaveLength(1);
    expect(first[0]!.kid).toBe('default');
    expect(first[0]!.key).toHaveLength(32);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64').equals(first[0]!.key)).toBe(true);

    const warnings = lines().filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!.msg)).toContain(`generated a development encryption key at ${file}`);
    expect(String(warnings[0]!.msg)).toContain('set TOKEN_ENCRYPTION_KEY in production');
    expect(JSON.stringify(lines())).not.toContain(first[0]!.key.toString('base64'));

    const second = await loadOrCreateDevKey(dataDir, log);
    expect(second[0]!.key.equals(first[0]!.key)).toBe(true);
    expect(lines().filter((l) => l.level === 40)).toHaveLength(1);
  });

  it('refuses an existing key file that others can read, and says how to fix it', async () => {
    const file = join(dir.path, DEV_KEY_FILE);
    const material = newKey().base64;
    await writeFile(file, `${material}\n`);
    await chmod(file, 0o644);
    const { log } = captureLogger();

    await expect(loadOrCreateDevKey(dir.path, log)).rejects.toThrow(ConfigError);
    await expect(loadOrCreateDevKey(dir.path, log)).rejects.toThrow(/chmod 600/);
    await expect(loadOrCreateDevKey(dir.path, log)).rejects.not.toThrow(material);
    // It did not "fix" the file by replacing the key.
    expect((await readFile(file, 'utf8')).trim()).toBe(material);

    await chmod(file, 0o600);
    const keys = await loadOrCreateDevKey(dir.path, log);
    expect(keys[0]!.key.toString('base64')).toBe(material);
  });

  it('refuses a key file with the wrong content without quoting it', async () => {
    await mkdir(dir.path, { recursive: true });
    const file = join(dir.path, DEV_KEY_FILE);
    const junk = randomBytes(10).toString('base64');
    await writeFile(file, junk, { mode: 0o600 });
    const { log } = captureLogger();
    await expect(loadOrCreateDevKey(dir.path, log)).rejects.toThrow(
      /^TOKEN_ENCRYPTION_KEY: the development key file .* is not a valid key/,
    );
    await expect(loadOrCreateDevKey(dir.path, log)).rejects.not.toThrow(junk);
  });
});

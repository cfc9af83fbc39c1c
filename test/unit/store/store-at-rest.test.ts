import type { Keyv } from 'keyv';
import { chmod, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatUserKey } from '../../../src/core/chat-user.js';
import { StoreDecryptError } from '../../../src/core/errors.js';
import type { PendingSave, SavedRecord } from '../../../src/core/ports.js';
import { closeKeyv, createKeyv } from '../../../src/store/keyv-factory.js';
import { KeyvPendingSaves } from '../../../src/store/keyv-pending-saves.js';
import { KeyvSaveIndex } from '../../../src/store/keyv-save-index.js';
import { openStore } from '../../../src/store/open-store.js';
import { createTokenCipher } from '../../../src/store/token-cipher.js';
import { captureLogger, newKey, slackUser, tempDir } from './helpers.js';

const TWEET_TEXT = 'just setting up my twttr SECRET-TWEET-TEXT';
const TABLE = 'Private Reading List';
const PAGE_URL = 'https://www.notion.so/Secret-row-0f6c1f2a1b2c4d5e8f90123456789abc';
const DS = '1f6c1f2a-1b2c-4d5e-8f90-123456789abc';
const PAGE = '0f6c1f2a-1b2c-4d5e-8f90-123456789abc';

const record: SavedRecord = {
  pageId: PAGE,
  pageUrl: PAGE_URL,
  dataSourceId: DS,
  table: TABLE,
  tweetKey: 'id:20',
  tweet: { id: '20', handle: 'jack', text: TWEET_TEXT, url: 'https://x.com/jack/status/20' },
  savedAt: '2030-01-01T00:00:00.000Z',
};
const kept: PendingSave = {
  tweet: { handle: 'naval', text: TWEET_TEXT },
  tableName: TABLE,
  queuedAt: '2030-01-01T00:00:00.000Z',
};

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('the SQLite file', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('is created 0600 in a folder created 0700', async () => {
    const folder = join(dir.path, 'new', 'data');
    const keyv = await createKeyv(`sqlite://${join(folder, 'x.sqlite')}`);
    await keyv.set('k', 'v');
    await closeKeyv(keyv);
    expect(await mode(folder)).toBe(0o700);
    expect(await mode(join(dir.path, 'new'))).toBe(0o700);
    expect(await mode(join(folder, 'x.sqlite'))).toBe(0o600);
  });

  it('already there and readable by others: tightened to 0600 on open; the folder the operator made is left alone', async () => {
    const folder = join(dir.path, 'existing');
    await mkdir(folder, { mode: 0o755 });
    await chmod(folder, 0o755);
    const first = await createKeyv(`sqlite://${join(folder, 'x.sqlite')}`);
    await first.set('k', 'kept');
    await closeKeyv(first);
    await chmod(join(folder, 'x.sqlite'), 0o644);

    const again = await createKeyv(`sqlite://${join(folder, 'x.sqlite')}`);
    expect(await again.get('k')).toBe('kept');
    await closeKeyv(again);
    expect(await mode(join(folder, 'x.sqlite'))).toBe(0o600);
    expect(await mode(folder)).toBe(0o755);
  });

  it('a raw read of the file holds no tweet text, table name or row URL', async () => {
    const { log } = captureLogger();
    const path = join(dir.path, 'x.sqlite');
    const store = await openStore(
      { storeUrl: `sqlite://${path}`, tokenEncryptionKey: newKey().base64, dataDir: dir.path, nodeEnv: 'production' },
      log,
    );
    const user = slackUser('UREST');
    await store.saveIndex.remember(user, record);
    await store.pendingSaves.add(user, kept);
    expect(await store.saveIndex.findByPage(user, PAGE)).toEqual(record);
    await store.close();

    const files = (await readdir(dir.path)).filter((f) => f.startsWith('x.sqlite'));
    const raw = Buffer.concat(await Promise.all(files.map((f) => readFile(join(dir.path, f))))).toString('latin1');
    expect(raw).toContain('saved-page:'); // the rows are there, only their values are sealed
    for (const secret of ['SECRET-TWEET-TEXT', TABLE, 'Secret-row', 'naval']) expect(raw).not.toContain(secret);
  });
});

describe('saved-tweet records and kept saves are encrypted, bound to their key', () => {
  let keyv: Keyv;
  const k1 = newKey('k1');
  const k2 = newKey('k2');
  const user = slackUser('USEAL');
  beforeEach(async () => {
    keyv = await createKeyv('memory://');
  });

  const index = (keys = [k1]) => new KeyvSaveIndex(keyv, createTokenCipher(keys));
  const pending = (keys = [k1]) => new KeyvPendingSaves(keyv, createTokenCipher(keys));
  const rawValues = async () => {
    const out: [string, unknown][] = [];
    for await (const entry of keyv.iterator!(undefined)) out.push(entry as [string, unknown]);
    return out;
  };

  it('stores the index as blobs and reads them back', async () => {
    await index().remember(user, record);
    const values = await rawValues();
    expect(values).toHaveLength(2);
    for (const [, value] of values) {
      expect(value).toMatch(/^v1\.k1\./);
      expect(String(value)).not.toContain('SECRET');
    }
    await expect(index().find(user, DS, 'id:20')).resolves.toEqual(record);
    await expect(index().findByPage(user, PAGE)).resolves.toEqual(record);
  });

  it('reads a record kept in clear by an older version, then rewrites it encrypted', async () => {
    await index().remember(user, record);
    const [[key]] = (await rawValues()) as [[string, unknown]];
    await keyv.set(key, record); // as versions before encryption wrote it
    const read = key.startsWith('saved-page:') ? index().findByPage(user, PAGE) : index().find(user, DS, 'id:20');
    await expect(read).resolves.toEqual(record);
    expect(await keyv.get(key)).toMatch(/^v1\.k1\./);
  });

  it("a blob copied under another user's key does not decrypt", async () => {
    await index().remember(user, record);
    const other = slackUser('UOTHER');
    const [, blob] = (await rawValues()).find(([k]) => k.startsWith('saved-page:'))!;
    await keyv.set(`saved-page:${chatUserKey(other)}:${PAGE.replace(/-/g, '')}`, blob);
    await expect(index().findByPage(other, PAGE)).rejects.toBeInstanceOf(StoreDecryptError);
  });

  it('a record under an older key is re-encrypted under the first on read', async () => {
    await index([k1]).remember(user, record);
    await expect(index([k2, k1]).findByPage(user, PAGE)).resolves.toEqual(record);
    const blobs = (await rawValues()).map(([k, v]) => [k.split(':')[0], String(v).split('.')[1]]);
    expect(blobs.sort()).toEqual([
      ['saved', 'k1'],
      ['saved-page', 'k2'],
    ]);
  });

  it('kept saves: a blob, read back once; a list kept in clear is still handed out', async () => {
    await pending().add(user, kept);
    const [[key, blob]] = (await rawValues()) as [[string, unknown]];
    expect(blob).toMatch(/^v1\.k1\./);
    await expect(pending().takeAll(user, async () => undefined)).resolves.toEqual([kept]);
    await expect(pending().takeAll(user, async () => undefined)).resolves.toEqual([]);

    await keyv.set(key, [kept]); // an older version's list
    await expect(pending().add(user, { ...kept, tableName: undefined })).resolves.toBe(2);
    expect(await keyv.get(key)).toMatch(/^v1\.k1\./);
    await expect(pending().takeAll(user, async () => undefined)).resolves.toEqual([
      kept,
      { ...kept, tableName: undefined },
    ]);
  });

  it('kept saves that no key decrypts are an error, not an empty list', async () => {
    await pending([k2]).add(user, kept);
    await expect(pending([k1]).takeAll(user, async () => undefined)).rejects.toBeInstanceOf(StoreDecryptError);
  });
});

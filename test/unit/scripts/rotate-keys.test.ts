import type { Keyv } from 'keyv';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../scripts/rotate-keys.js';
import { chatUserKey } from '../../../src/core/chat-user.js';
import type { PendingSave, SavedRecord } from '../../../src/core/ports.js';
import { KeyvConnectionStore, WORKSPACE_USERS_PREFIX } from '../../../src/store/keyv-connection-store.js';
import { closeKeyv, createKeyv } from '../../../src/store/keyv-factory.js';
import { KeyvPendingSaves } from '../../../src/store/keyv-pending-saves.js';
import { KeyvSaveIndex } from '../../../src/store/keyv-save-index.js';
import { rotateKeys } from '../../../src/store/rotate-keys.js';
import { createTokenCipher } from '../../../src/store/token-cipher.js';
import { captureLogger, connectionFor, newKey, slackUser, tempDir, uniqueNamespace } from '../store/helpers.js';

const k0 = newKey('k0');
const k1 = newKey('k1');
const k2 = newKey('k2');
const TEXT = 'ROTATE-ME tweet text';

const savedRecord = (n: number): SavedRecord => ({
  pageId: `0f6c1f2a-1b2c-4d5e-8f90-12345678900${n}`,
  pageUrl: `https://www.notion.so/row-${n}`,
  dataSourceId: '1f6c1f2a-1b2c-4d5e-8f90-123456789abc',
  table: 'Tweets',
  tweetKey: `id:${n}`,
  tweet: { id: String(n), handle: 'jack', text: `${TEXT} ${n}` },
  savedAt: '2030-01-01T00:00:00.000Z',
});
const keptSave: PendingSave = { tweet: { handle: 'naval', text: TEXT }, queuedAt: '2030-01-01T00:00:00.000Z' };

const sam = slackUser('USAM');
const kim = slackUser('UKIM');
const lee = slackUser('ULEE');

/**
 * Under k1: two connections, two saved tweets (four index records), one kept list (with a TTL).
 * In clear, as older versions wrote them: one saved tweet (two records) and one kept list.
 * Not encrypted at all and not ours to touch: a link token and a claim.
 */
async function seed(keyv: Keyv) {
  const { log } = captureLogger();
  const old = createTokenCipher([k1]);
  const connections = { sam: connectionFor(sam), kim: connectionFor(kim) };
  await new KeyvConnectionStore({ keyv, cipher: old, log }).set(sam, connections.sam);
  await new KeyvConnectionStore({ keyv, cipher: old, log }).set(kim, connections.kim);
  const index = new KeyvSaveIndex(keyv, old);
  await index.remember(sam, savedRecord(1));
  await index.remember(kim, savedRecord(2));
  await new KeyvPendingSaves(keyv, old).add(sam, keptSave);
  const clear = savedRecord(3);
  await keyv.set(`saved:${chatUserKey(lee)}:${clear.dataSourceId.replace(/-/g, '')}:${clear.tweetKey}`, clear);
  await keyv.set(`saved-page:${chatUserKey(lee)}:${clear.pageId.replace(/-/g, '')}`, clear);
  await keyv.set(`pending:${chatUserKey(lee)}`, [keptSave], 3_600_000);
  await keyv.set('link:abc', { chatUser: sam }, 600_000);
  await keyv.set('claim:xyz', 1, 600_000);
  return connections;
}

async function dump(keyv: Keyv): Promise<Map<string, unknown>> {
  const entries = new Map<string, unknown>();
  for await (const [key, value] of keyv.iterator!(undefined) as AsyncIterable<[string, unknown]>)
    entries.set(key, value);
  return entries;
}

/** Reads everything back with only `keys`: what the product would see once the others are retired. */
async function readAll(keyv: Keyv, keys: Parameters<typeof createTokenCipher>[0]) {
  const { log } = captureLogger();
  const cipher = createTokenCipher(keys);
  const connections = new KeyvConnectionStore({ keyv, cipher, log });
  const index = new KeyvSaveIndex(keyv, cipher);
  return {
    sam: await connections.get(sam),
    kim: await connections.get(kim),
    saved: await Promise.all([
      index.findByPage(sam, savedRecord(1).pageId),
      index.find(kim, savedRecord(2).dataSourceId, 'id:2'),
      index.findByPage(lee, savedRecord(3).pageId),
    ]),
    kept: [
      await new KeyvPendingSaves(keyv, cipher).takeAll(sam, async () => undefined),
      await new KeyvPendingSaves(keyv, cipher).takeAll(lee, async () => undefined),
    ],
  };
}

/** SQLite and memory always; Redis and PostgreSQL when the test services are there (own namespace each). */
const backends: [string, (dir: string) => string][] = [
  ['sqlite', (dir) => `sqlite://${dir}/store.sqlite`],
  ['memory', () => 'memory://'],
  ...(process.env.TEST_REDIS_URL ? [['redis', () => process.env.TEST_REDIS_URL!] as [string, () => string]] : []),
  ...(process.env.TEST_POSTGRES_URL
    ? [['postgres', () => process.env.TEST_POSTGRES_URL!] as [string, () => string]]
    : []),
];

describe.each(backends)('rotateKeys over %s', (label, url) => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let keyv: Keyv;
  beforeEach(async () => {
    dir = await tempDir();
    keyv = await createKeyv(url(dir.path), { namespace: uniqueNamespace(`rotate-${label}`) });
  });
  afterEach(async () => {
    await keyv.clear();
    await closeKeyv(keyv);
    await dir.remove();
  });

  it('re-encrypts every record under the first key, so the old one can go; leaves the rest; a second run changes nothing', async () => {
    const connections = await seed(keyv);
    const before = await dump(keyv);
    const pendingExpiry = (await keyv.get(`pending:${chatUserKey(lee)}`, { raw: true }))!.expires;

    const report = await rotateKeys(keyv, createTokenCipher([k2, k1]));
    expect(report).toEqual({
      connections: { reencrypted: 2, current: 0, unreadable: 0, busy: 0 },
      savedTweets: { reencrypted: 6, current: 0, unreadable: 0, busy: 0 },
      keptSaves: { reencrypted: 2, current: 0, unreadable: 0, busy: 0 },
    });

    const after = await dump(keyv);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [key, value] of after) {
      // Left as they are: links and claims, and the per-workspace lists of connected user ids (no secrets, not sealed).
      if (['link:', 'claim:', WORKSPACE_USERS_PREFIX].some((p) => key.startsWith(p)))
        expect(value).toEqual(before.get(key));
      else expect(String(value)).toMatch(/^v1\.k2\./);
    }
    expect((await keyv.get(`pending:${chatUserKey(lee)}`, { raw: true }))!.expires).toBe(pendingExpiry);

    const again = await rotateKeys(keyv, createTokenCipher([k2, k1]));
    expect(again.connections).toEqual({ reencrypted: 0, current: 2, unreadable: 0, busy: 0 });
    expect(again.savedTweets).toEqual({ reencrypted: 0, current: 6, unreadable: 0, busy: 0 });
    expect(again.keptSaves).toEqual({ reencrypted: 0, current: 2, unreadable: 0, busy: 0 });
    expect(await dump(keyv)).toEqual(after);

    // k1 retired: everything still reads.
    const read = await readAll(keyv, [k2]);
    expect([read.sam, read.kim]).toEqual([connections.sam, connections.kim]);
    expect(read.saved).toEqual([savedRecord(1), savedRecord(2), savedRecord(3)]);
    expect(read.kept).toEqual([[keptSave], [keptSave]]);
  });

  it('counts what no listed key decrypts and leaves it as it is', async () => {
    await seed(keyv);
    const { log } = captureLogger();
    const stranger = slackUser('USTRANGER');
    await new KeyvConnectionStore({ keyv, cipher: createTokenCipher([k0]), log }).set(
      stranger,
      connectionFor(stranger),
    );
    const blob = await keyv.get(`connection:${chatUserKey(stranger)}`);

    const report = await rotateKeys(keyv, createTokenCipher([k2, k1]));
    expect(report.connections).toEqual({ reencrypted: 2, current: 0, unreadable: 1, busy: 0 });
    expect(await keyv.get(`connection:${chatUserKey(stranger)}`)).toBe(blob);
  });
});

describe('npm run rotate-keys', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  const envFor = (keys: string) => ({
    STORE_URL: `sqlite://${dir.path}/store.sqlite`,
    TOKEN_ENCRYPTION_KEY: keys,
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
  });

  it('prints counts, never keys or contents, and is idempotent', async () => {
    const keyv = await createKeyv(`sqlite://${dir.path}/store.sqlite`);
    await seed(keyv);
    await closeKeyv(keyv);
    const keys = `k2:${k2.base64},k1:${k1.base64}`;

    const out: string[] = [];
    const err: string[] = [];
    expect(
      await main(
        envFor(keys),
        (l) => out.push(l),
        (l) => err.push(l),
      ),
    ).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual([
      'rotate-keys: re-encrypting the sqlite store under key "k2" (2 keys can decrypt)',
      'connections: 2 re-encrypted, 0 already under "k2"',
      'saved-tweet records: 6 re-encrypted, 0 already under "k2"',
      'kept-save lists: 2 re-encrypted, 0 already under "k2"',
      'rotate-keys: done. Every record is under "k2"; once every instance runs with "k2" first, the other keys can be removed.',
    ]);
    const printed = out.join('\n');
    for (const secret of [k1.base64, k2.base64, 'ntn_', 'nrt_', TEXT, 'USAM']) expect(printed).not.toContain(secret);

    out.length = 0;
    expect(
      await main(
        envFor(keys),
        (l) => out.push(l),
        (l) => err.push(l),
      ),
    ).toBe(0);
    expect(out[1]).toBe('connections: 0 re-encrypted, 2 already under "k2"');

    // The old key retired: nothing left that needs it.
    out.length = 0;
    expect(
      await main(
        envFor(`k2:${k2.base64}`),
        (l) => out.push(l),
        (l) => err.push(l),
      ),
    ).toBe(0);
    expect(out.slice(1, 4).every((l) => l.includes(' 0 re-encrypted'))).toBe(true);
  });

  it('exits 2 when a record needs a key that is not listed, and 1 on a bad key, naming no key material', async () => {
    const keyv = await createKeyv(`sqlite://${dir.path}/store.sqlite`);
    await seed(keyv);
    await closeKeyv(keyv);
    const err: string[] = [];
    expect(
      await main(
        envFor(`k2:${k2.base64}`),
        () => undefined,
        (l) => err.push(l),
      ),
    ).toBe(2);
    expect(err.join('\n')).toMatch(/could not be decrypted with any key in TOKEN_ENCRYPTION_KEY/);

    err.length = 0;
    expect(
      await main(
        envFor('k2:not-a-key'),
        () => undefined,
        (l) => err.push(l),
      ),
    ).toBe(1);
    expect(err.join('\n')).toMatch(/^rotate-keys: TOKEN_ENCRYPTION_KEY:/);
    expect(err.join('\n')).not.toContain('not-a-key');
  });

  it('runs as `npm run rotate-keys` does (tsx scripts/rotate-keys.ts)', async () => {
    const keyv = await createKeyv(`sqlite://${dir.path}/store.sqlite`);
    await seed(keyv);
    await closeKeyv(keyv);
    const run = await new Promise<{ code: number | null; stdout: string }>((done, fail) => {
      const child = spawn(resolve('node_modules/.bin/tsx'), [resolve('scripts/rotate-keys.ts')], {
        cwd: dir.path,
        env: { PATH: process.env.PATH ?? '', ...envFor(`k2:${k2.base64},k1:${k1.base64}`) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout }));
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('connections: 2 re-encrypted, 0 already under "k2"');
  }, 60_000);
});

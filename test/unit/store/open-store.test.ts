import { randomBytes } from 'node:crypto';
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/config.js';
import { DEV_KEY_FILE } from '../../../src/store/encryption-keys.js';
import { openStore } from '../../../src/store/open-store.js';
import { captureLogger, connectionFor, newKey, slackUser, tempDir } from './helpers.js';

describe('openStore', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('refuses to start in production without TOKEN_ENCRYPTION_KEY, and creates no key file', async () => {
    const { log } = captureLogger();
    const opening = openStore({ storeUrl: 'memory://', dataDir: dir.path, nodeEnv: 'production' }, log);
    await expect(opening).rejects.toThrow(ConfigError);
    await expect(opening).rejects.toThrow(/^TOKEN_ENCRYPTION_KEY: required when NODE_ENV=production/);
    await expect(access(join(dir.path, DEV_KEY_FILE))).rejects.toThrow();
  });

  it('refuses a malformed TOKEN_ENCRYPTION_KEY before opening the store', async () => {
    const { log } = captureLogger();
    const bad = randomBytes(16).toString('base64');
    const dbDir = join(dir.path, 'db');
    const opening = openStore(
      {
        storeUrl: `sqlite://${join(dbDir, 'x.sqlite')}`,
        tokenEncryptionKey: bad,
        dataDir: dir.path,
        nodeEnv: 'production',
      },
      log,
    );
    await expect(opening).rejects.toThrow(/^TOKEN_ENCRYPTION_KEY:/);
    await expect(opening).rejects.not.toThrow(bad);
    await expect(access(dbDir)).rejects.toThrow();
  });

  it("sweeps expired entries on an unref'd timer, and stops sweeping when closed", async () => {
    const { log } = captureLogger();
    const intervals: NodeJS.Timeout[] = [];
    const realSetInterval = globalThis.setInterval;
    const spy = vi.spyOn(globalThis, 'setInterval').mockImplementation(((fn: () => void, ms: number) => {
      const timer = realSetInterval(fn, ms);
      intervals.push(timer);
      return timer;
    }) as typeof setInterval);
    const cleared = vi.spyOn(globalThis, 'clearInterval');
    try {
      const key = newKey('k1');
      const config = { storeUrl: 'memory://', tokenEncryptionKey: key.base64, dataDir: dir.path, nodeEnv: 'test' };
      const store = await openStore(config, log, { sweepEveryMs: 10 });
      expect(intervals).toHaveLength(1);
      expect(intervals[0]!.hasRef()).toBe(false);
      await store.keyv.set('short', 1, 1);
      const raw = store.keyv.store as Map<string, unknown>;
      await vi.waitFor(() => expect([...raw.keys()].some((k) => k.endsWith(':short'))).toBe(false), { timeout: 5_000 });
      await store.close();
      expect(cleared).toHaveBeenCalledWith(intervals[0]);
    } finally {
      spy.mockRestore();
      cleared.mockRestore();
    }
  });

  it('wires connections, link tokens and OAuth states over one store with the configured keys', async () => {
    const { log, lines, text } = captureLogger();
    const k2 = newKey('k2');
    const k1 = newKey('k1');
    const store = await openStore(
      {
        storeUrl: `sqlite://${join(dir.path, 'x.sqlite')}`,
        tokenEncryptionKey: `k2:${k2.base64},k1:${k1.base64}`,
        dataDir: dir.path,
        nodeEnv: 'production',
      },
      log,
    );
    const user = slackUser('UWIRE');
    const connection = connectionFor(user);
    await store.connections.set(user, connection);
    await expect(store.connections.get(user)).resolves.toEqual(connection);
    expect(String(await store.keyv.get(`connection:slack:T0001:UWIRE`))).toMatch(/^v1\.k2\./);

    const link = randomBytes(32).toString('base64url');
    await store.linkTokens.put(link, user, 60_000);
    await expect(store.oauthStates.take(link)).resolves.toBeUndefined();
    await expect(store.linkTokens.take(link)).resolves.toEqual(user);
    await store.oauthStates.put(link, { chatUser: user }, 60_000);
    await expect(store.oauthStates.take(link)).resolves.toEqual({ chatUser: user });

    await store.close();
    await store.close(); // idempotent
    await expect(access(join(dir.path, DEV_KEY_FILE))).rejects.toThrow(); // configured keys: no dev key file

    const opened = lines().find((l) => l.event === 'store.opened');
    expect(opened).toMatchObject({ store: 'sqlite', keyIds: ['k2', 'k1'] });
    expect(text()).not.toContain(k1.base64);
    expect(text()).not.toContain(k2.base64);
    expect(text()).not.toContain(connection.accessToken);
  });

  it('uses (and reuses) a development key file outside production', async () => {
    const { log } = captureLogger();
    const config = {
      storeUrl: `sqlite://${join(dir.path, 'x.sqlite')}`,
      dataDir: join(dir.path, 'data'),
      nodeEnv: 'development',
    };
    const user = slackUser('UDEV');
    const connection = connectionFor(user);

    const first = await openStore(config, log);
    await first.connections.set(user, connection);
    await first.close();
    expect((await stat(join(dir.path, 'data', DEV_KEY_FILE))).mode & 0o777).toBe(0o600);

    const second = await openStore(config, log);
    await expect(second.connections.get(user)).resolves.toEqual(connection);
    await second.close();
  });
});

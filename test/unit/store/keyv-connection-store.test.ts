import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatUser } from '../../../src/core/chat-user.js';
import { StoreDecryptError } from '../../../src/core/errors.js';
import { connectionStoreKey, KeyvConnectionStore } from '../../../src/store/keyv-connection-store.js';
import { closeKeyv, createKeyv } from '../../../src/store/keyv-factory.js';
import { KeyvOneTimeStore } from '../../../src/store/keyv-one-time-store.js';
import { createTokenCipher } from '../../../src/store/token-cipher.js';
import { captureLogger, connectionFor, newKey, slackUser, tempDir } from './helpers.js';

/** Every byte the sqlite store left on disk (database plus any journal), as latin1 so any substring shows. */
async function diskBytes(dir: string): Promise<string> {
  const names = await readdir(dir);
  const contents = await Promise.all(names.map((n) => readFile(join(dir, n))));
  return Buffer.concat(contents).toString('latin1');
}

describe('KeyvConnectionStore over sqlite: at rest', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('leaves no token, workspace name, connect link or OAuth state in the database file', async () => {
    const url = `sqlite://${join(dir.path, 'x.sqlite')}`;
    const keyv = await createKeyv(url, {});
    const { log, text } = captureLogger();
    const store = new KeyvConnectionStore({ keyv, cipher: createTokenCipher([newKey('k1')]), log });
    const links = new KeyvOneTimeStore<ChatUser>({ keyv, prefix: 'link' });
    const users = [slackUser('U1'), slackUser('U2'), slackUser('U3')];
    const seeded = users.map((u) => connectionFor(u));
    for (const [i, u] of users.entries()) await store.set(u, seeded[i]!);
    const linkToken = randomBytes(32).toString('base64url');
    await links.put(linkToken, users[0]!, 60_000);
    await closeKeyv(keyv);

    const bytes = await diskBytes(dir.path);
    // The data is there (so the check below is not vacuous) ...
    for (const u of users) expect(bytes).toContain(connectionStoreKey(u));
    expect(bytes).toContain('v1.k1.');
    // ... but none of the secrets are.
    for (const c of seeded) {
      for (const secret of [c.accessToken, c.refreshToken!, c.workspaceName!]) {
        expect(bytes).not.toContain(secret);
        expect(bytes).not.toContain(Buffer.from(secret).toString('base64'));
      }
    }
    expect(bytes).not.toContain(linkToken);
    expect(text()).toBe(''); // a plain write logs nothing, least of all a token

    // Reopened, everything reads back, and the one-time token still works once.
    const reopened = await createKeyv(url, {});
    const again = new KeyvConnectionStore({ keyv: reopened, cipher: createTokenCipher([newKey('k1')]), log });
    await expect(again.get(users[0]!)).rejects.toBeInstanceOf(StoreDecryptError); // a different k1: not readable
    await expect(new KeyvOneTimeStore<ChatUser>({ keyv: reopened, prefix: 'link' }).take(linkToken)).resolves.toEqual(
      users[0],
    );
    await closeKeyv(reopened);
  });

  it('reads back across a reopen with the same key', async () => {
    const url = `sqlite://${join(dir.path, 'x.sqlite')}`;
    const key = newKey('k1');
    const user = slackUser('UREOPEN');
    const connection = connectionFor(user);
    const { log } = captureLogger();
    const first = await createKeyv(url, {});
    await new KeyvConnectionStore({ keyv: first, cipher: createTokenCipher([key]), log }).set(user, connection);
    await closeKeyv(first);

    const second = await createKeyv(url, {});
    await expect(
      new KeyvConnectionStore({ keyv: second, cipher: createTokenCipher([key]), log }).get(user),
    ).resolves.toEqual(connection);
    await closeKeyv(second);
  });

  it('reports a broken store as an error, never as "not connected"', async () => {
    const keyv = await createKeyv(`sqlite://${join(dir.path, 'x.sqlite')}`, {});
    const { log } = captureLogger();
    const store = new KeyvConnectionStore({ keyv, cipher: createTokenCipher([newKey()]), log });
    const user = slackUser('UBROKEN');
    await store.set(user, connectionFor(user));
    await closeKeyv(keyv);
    await expect(store.get(user)).rejects.toThrow();
    await expect(store.get(slackUser('UNEVER'))).rejects.toThrow();
  });
});

describe('KeyvConnectionStore: re-encryption after rotation', () => {
  it('does not write the old connection back over a disconnect that happened during the read', async () => {
    const keyv = await createKeyv('memory://', {});
    const { log } = captureLogger();
    const k1 = newKey('k1');
    const k2 = newKey('k2');
    const user = slackUser('URACE');
    const key = connectionStoreKey(user);
    const connection = connectionFor(user);
    await new KeyvConnectionStore({ keyv, cipher: createTokenCipher([k1]), log }).set(user, connection);

    // The disconnect lands between the read and the write-back.
    const realGet = keyv.get.bind(keyv);
    let calls = 0;
    const spy = vi.spyOn(keyv, 'get').mockImplementation((async (k: string) => {
      calls += 1;
      if (calls === 2) await keyv.delete(key);
      return realGet(k);
    }) as typeof keyv.get);
    const rotated = new KeyvConnectionStore({ keyv, cipher: createTokenCipher([k2, k1]), log });
    await expect(rotated.get(user)).resolves.toEqual(connection);
    spy.mockRestore();

    await expect(keyv.get(key)).resolves.toBeUndefined();
    await expect(rotated.get(user)).resolves.toBeUndefined();
    await closeKeyv(keyv);
  });
});

describe('KeyvConnectionStore: connections marked dead by older versions', () => {
  /** What versions before tokens were dropped on a loss of access stored: the dead mark, and the refused tokens. */
  const deadWithTokens = (user: ChatUser) => ({ ...connectionFor(user), lostAccessAt: '2025-02-03T04:05:06.000Z' });

  it('reads them without the tokens, and rewrites the record so, once, without logging a token', async () => {
    const keyv = await createKeyv('memory://', {});
    const { log, lines, text } = captureLogger();
    const cipher = createTokenCipher([newKey('k1')]);
    const store = new KeyvConnectionStore({ keyv, cipher, log });
    const user = slackUser('UOLDDEAD');
    const old = deadWithTokens(user);
    await store.set(user, old);

    const read = await store.get(user);
    expect(read).toEqual({ ...old, accessToken: '', refreshToken: null });
    // The record itself no longer holds them.
    const raw = await keyv.get<string>(connectionStoreKey(user));
    expect(JSON.parse(cipher.decrypt(raw!, connectionStoreKey(user)).plaintext)).toMatchObject({
      accessToken: '',
      refreshToken: null,
      lostAccessAt: old.lostAccessAt,
    });
    expect(lines().filter((l) => l.event === 'store.dead_tokens_dropped')).toHaveLength(1);
    for (const secret of [old.accessToken, old.refreshToken!]) expect(text()).not.toContain(secret);

    // Read again: nothing left to drop, nothing written.
    const set = vi.spyOn(keyv, 'set');
    await expect(store.get(user)).resolves.toEqual(read);
    expect(set).not.toHaveBeenCalled();
    set.mockRestore();
    await closeKeyv(keyv);
  });

  it('does not write the dead record back over a reconnect stored during the read', async () => {
    const keyv = await createKeyv('memory://', {});
    const { log } = captureLogger();
    const store = new KeyvConnectionStore({ keyv, cipher: createTokenCipher([newKey('k1')]), log });
    const user = slackUser('UOLDRACE');
    await store.set(user, deadWithTokens(user));
    const fresh = connectionFor(user);

    // The reconnect lands between the read and the write-back.
    const realGet = keyv.get.bind(keyv);
    let calls = 0;
    const spy = vi.spyOn(keyv, 'get').mockImplementation((async (k: string) => {
      calls += 1;
      if (calls === 2) await store.set(user, fresh);
      return realGet(k);
    }) as typeof keyv.get);
    await expect(store.get(user)).resolves.toMatchObject({ accessToken: '', refreshToken: null });
    spy.mockRestore();

    await expect(store.get(user)).resolves.toEqual(fresh);
    await closeKeyv(keyv);
  });
});

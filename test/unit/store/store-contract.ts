import type { Keyv } from 'keyv';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatUser } from '../../../src/core/chat-user.js';
import { chatUserKey } from '../../../src/core/chat-user.js';
import { StoreDecryptError } from '../../../src/core/errors.js';
import { KeyvClaimStore } from '../../../src/store/keyv-claim-store.js';
import {
  connectionStoreKey,
  KeyvConnectionStore,
  workspaceIndexKeys,
} from '../../../src/store/keyv-connection-store.js';
import { closeKeyv, createKeyv, deleteIfValue, setIfAbsent, sweepExpired } from '../../../src/store/keyv-factory.js';
import { KeyvOneTimeStore, oneTimeStoreKey } from '../../../src/store/keyv-one-time-store.js';
import { KeyvPendingSaves } from '../../../src/store/keyv-pending-saves.js';
import { KeyvSaveIndex } from '../../../src/store/keyv-save-index.js';
import { createTokenCipher } from '../../../src/store/token-cipher.js';
import { captureLogger, connectionFor, discordUser, newKey, slackUser, uniqueNamespace } from './helpers.js';

export interface ContractBackend {
  label: string;
  /** The STORE_URL to open. */
  url: () => string;
  /**
   * Whether a second `createKeyv(url)` is an independent client (a second "instance" of the product).
   * Not for postgres: @keyv/postgres shares one pg.Pool per URL in the process, so one Keyv is used there
   * (its pool still runs the two takes on separate connections).
   */
  separateInstances: boolean;
}

const kidOf = (blob: unknown): string => String(blob).split('.')[1] ?? '';

/**
 * The ConnectionStore + OneTimeStore contract, run against every backend. Each run uses its own Keyv
 * namespace and clears it afterwards, so a shared Redis or Postgres keeps no test keys.
 */
export function defineStoreContract(backend: ContractBackend): void {
  describe(`store contract over ${backend.label}`, () => {
    let keyv: Keyv;
    let keyvB: Keyv | undefined;
    const k1 = newKey('k1');
    const k2 = newKey('k2');
    const { log, lines, text } = captureLogger();
    let connections: KeyvConnectionStore;

    beforeAll(async () => {
      const namespace = uniqueNamespace(backend.label);
      keyv = await createKeyv(backend.url(), { namespace });
      if (backend.separateInstances) keyvB = await createKeyv(backend.url(), { namespace });
      connections = new KeyvConnectionStore({ keyv, cipher: createTokenCipher([k1]), log });
    });

    afterAll(async () => {
      if (!keyv) return;
      await keyv.clear();
      await closeKeyv(keyv);
      if (keyvB) await closeKeyv(keyvB);
    });

    afterEach(() => {
      vi.useRealTimers();
    });

    describe('connections', () => {
      it('returns undefined for a user who never connected', async () => {
        await expect(connections.get(slackUser('UNOBODY'))).resolves.toBeUndefined();
        await expect(connections.delete(slackUser('UNOBODY'))).resolves.toBe(false);
      });

      it('sets, gets and deletes one user without touching the others', async () => {
        const alice = slackUser('UALICE');
        const bob = slackUser('UBOB');
        const aliceElsewhere = slackUser('UALICE', 'T0002'); // same user id, other Slack workspace
        const dana = discordUser('123456789012345678');
        const seeded = new Map<ChatUser, ReturnType<typeof connectionFor>>(
          [alice, bob, aliceElsewhere, dana].map((u) => [u, connectionFor(u)]),
        );
        for (const [user, connection] of seeded) await connections.set(user, connection);
        for (const [user, connection] of seeded) await expect(connections.get(user)).resolves.toEqual(connection);

        await expect(connections.delete(alice)).resolves.toBe(true);
        await expect(connections.get(alice)).resolves.toBeUndefined();
        await expect(connections.delete(alice)).resolves.toBe(false);
        for (const user of [bob, aliceElsewhere, dana])
          await expect(connections.get(user)).resolves.toEqual(seeded.get(user));
      });

      it('replaces a connection on set', async () => {
        const user = slackUser('UREPLACE');
        await connections.set(user, connectionFor(user));
        const newer = connectionFor(user);
        await connections.set(user, newer);
        await expect(connections.get(user)).resolves.toEqual(newer);
      });

      it('indexes connected users per workspace, also when many of one workspace connect at once on two instances', async () => {
        const team = `TIX${randomBytes(3).toString('hex').toUpperCase()}`;
        const other = `TIY${randomBytes(3).toString('hex').toUpperCase()}`;
        const b = new KeyvConnectionStore({ keyv: keyvB ?? keyv, cipher: createTokenCipher([k1]), log });
        const people = Array.from({ length: 12 }, (_, i) => slackUser(`UIX${i}`, team));
        const elsewhere = slackUser('UIX0', other);
        await Promise.all(people.map((u, i) => (i % 2 ? b : connections).set(u, connectionFor(u))));
        await connections.set(elsewhere, connectionFor(elsewhere));
        await connections.set(discordUser('223456789012345678'), connectionFor(discordUser('223456789012345678')));
        // Writing a connection again (a refresh, a new table) keeps one entry.
        await connections.set(people[0]!, connectionFor(people[0]!));
        const ids = async (t: string) => (await connections.usersInWorkspace('slack', t)).map((u) => u.userId).sort();
        expect(await ids(team)).toEqual(people.map((u) => u.userId).sort());
        expect(await connections.usersInWorkspace('slack', other)).toEqual([
          { platform: 'slack', teamId: other, userId: 'UIX0' },
        ]);

        await Promise.all(people.slice(0, 6).map((u, i) => (i % 2 ? b : connections).delete(u)));
        expect(await ids(team)).toEqual(
          people
            .slice(6)
            .map((u) => u.userId)
            .sort(),
        );
        await Promise.all(people.slice(6).map((u) => connections.delete(u)));
        expect(await connections.usersInWorkspace('slack', team)).toEqual([]);
        const stored = await keyv.getMany(workspaceIndexKeys('slack', team));
        expect(stored.filter((v) => v !== undefined && v !== null)).toEqual([]);
        expect(await ids(other)).toEqual(['UIX0']);
      });

      it('reads the one-list workspace index older versions wrote, and empties it as its users leave', async () => {
        const team = `TLEG${randomBytes(3).toString('hex').toUpperCase()}`;
        const [old, recent] = [slackUser('UOLD', team), slackUser('UNEW', team)];
        await connections.set(old, connectionFor(old));
        await keyv.set(`workspace-users:slack:${team}`, JSON.stringify(['UOLD', 'UGONE']));
        await connections.set(recent, connectionFor(recent));
        const ids = async () => (await connections.usersInWorkspace('slack', team)).map((u) => u.userId).sort();
        expect(await ids()).toEqual(['UGONE', 'UNEW', 'UOLD']);
        await connections.delete(old);
        expect(await ids()).toEqual(['UGONE', 'UNEW']);
        await expect(keyv.get(`workspace-users:slack:${team}`)).resolves.toBe(JSON.stringify(['UGONE']));
      });

      it('stores an encrypted blob under connection:<chat user key>, with no token or workspace name in it', async () => {
        const user = slackUser('URAW');
        const connection = connectionFor(user);
        await connections.set(user, connection);
        const raw: unknown = await keyv.get(`connection:${chatUserKey(user)}`);
        expect(typeof raw).toBe('string');
        expect(raw).toMatch(/^v1\.k1\./);
        for (const secret of [connection.accessToken, connection.refreshToken!, connection.workspaceName!]) {
          expect(raw).not.toContain(secret);
        }
      });

      it('refuses a value copied under another user, logs it without secrets, and leaves the owner readable', async () => {
        const victim = slackUser('UVICTIM');
        const attacker = slackUser('UATTACKER');
        const connection = connectionFor(victim);
        await connections.set(victim, connection);
        await connections.set(attacker, connectionFor(attacker));
        const raw: unknown = await keyv.get(connectionStoreKey(victim));
        await keyv.set(connectionStoreKey(attacker), raw);

        await expect(connections.get(attacker)).rejects.toBeInstanceOf(StoreDecryptError);
        const failure = lines().find((l) => l.event === 'store.decrypt_failed' && l.storeKey === chatUserKey(attacker));
        expect(failure).toBeDefined();
        expect(failure!.level).toBe(50);
        expect(text()).not.toContain(connection.accessToken);
        expect(text()).not.toContain(connection.refreshToken!);
        await expect(connections.get(victim)).resolves.toEqual(connection);
      });

      it.each([
        ['not a blob', 'not an encrypted value'],
        ['plain JSON', JSON.stringify({ accessToken: 'x' })],
        ['a number', 42],
      ])('refuses a stored value that is %s (never reads it as "not connected")', async (_name, value) => {
        const user = slackUser(`UCORRUPT${randomBytes(3).toString('hex')}`);
        await keyv.set(connectionStoreKey(user), value);
        await expect(connections.get(user)).rejects.toBeInstanceOf(StoreDecryptError);
      });

      it('refuses a well-encrypted value that is not a connection', async () => {
        const user = slackUser('USHAPE');
        const key = connectionStoreKey(user);
        await keyv.set(key, createTokenCipher([k1]).encrypt(JSON.stringify({ accessToken: 'x' }), key));
        await expect(connections.get(user)).rejects.toBeInstanceOf(StoreDecryptError);
        await keyv.set(key, createTokenCipher([k1]).encrypt('{not json', key));
        await expect(connections.get(user)).rejects.toBeInstanceOf(StoreDecryptError);
      });

      it('refuses to write a value that does not look like a connection', async () => {
        const user = slackUser('UBADSET');
        const bad = { ...connectionFor(user), accessToken: 42 } as unknown as ReturnType<typeof connectionFor>;
        await expect(connections.set(user, bad)).rejects.toThrow(TypeError);
        await expect(connections.get(user)).resolves.toBeUndefined();
      });

      it('re-encrypts under the new first key on read after rotation', async () => {
        const user = slackUser('UROTATE');
        const other = slackUser('UROTATE2');
        const key = connectionStoreKey(user);
        const connection = connectionFor(user);
        await connections.set(user, connection);
        await connections.set(other, connectionFor(other));
        expect(kidOf(await keyv.get(key))).toBe('k1');

        const rotated = new KeyvConnectionStore({ keyv, cipher: createTokenCipher([k2, k1]), log });
        await expect(rotated.get(user)).resolves.toEqual(connection);
        expect(kidOf(await keyv.get(key))).toBe('k2');
        expect(kidOf(await keyv.get(connectionStoreKey(other)))).toBe('k1'); // only what was read

        const onlyNew = new KeyvConnectionStore({ keyv, cipher: createTokenCipher([k2]), log });
        await expect(onlyNew.get(user)).resolves.toEqual(connection);
        await expect(onlyNew.get(other)).rejects.toBeInstanceOf(StoreDecryptError);
      });
    });

    describe('one-time tokens', () => {
      const token = () => randomBytes(32).toString('base64url');

      it('gives a value once; a second take gets undefined; other tokens stay', async () => {
        const links = new KeyvOneTimeStore<ChatUser>({ keyv, prefix: 'link' });
        const [a, b, c] = [token(), token(), token()];
        await links.put(a, slackUser('UA'), 60_000);
        await links.put(b, slackUser('UB'), 60_000);
        await links.put(c, discordUser('42'), 60_000);

        await expect(links.take(b)).resolves.toEqual(slackUser('UB'));
        await expect(links.take(b)).resolves.toBeUndefined();
        await expect(links.take(token())).resolves.toBeUndefined();
        await expect(links.take(a)).resolves.toEqual(slackUser('UA'));
        await expect(links.take(c)).resolves.toEqual(discordUser('42'));
      });

      it('stores under the SHA-256 of the token, never the token itself', async () => {
        const states = new KeyvOneTimeStore<{ chatUser: ChatUser }>({ keyv, prefix: 'oauth-state' });
        const t = token();
        await states.put(t, { chatUser: slackUser('US') }, 60_000);
        const hashed = oneTimeStoreKey('oauth-state', t);
        expect(hashed).toMatch(/^oauth-state:[0-9a-f]{64}$/);
        expect(hashed).not.toContain(t);
        await expect(keyv.get(hashed)).resolves.toEqual({ chatUser: slackUser('US') });
        await expect(keyv.get(`oauth-state:${t}`)).resolves.toBeUndefined();
      });

      it('keeps prefixes apart', async () => {
        const links = new KeyvOneTimeStore<ChatUser>({ keyv, prefix: 'link' });
        const states = new KeyvOneTimeStore<{ chatUser: ChatUser }>({ keyv, prefix: 'oauth-state' });
        const t = token();
        await links.put(t, slackUser('UL'), 60_000);
        await expect(states.take(t)).resolves.toBeUndefined();
        await expect(links.take(t)).resolves.toEqual(slackUser('UL'));
      });

      it('expires after its TTL', async () => {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
        const links = new KeyvOneTimeStore<ChatUser>({ keyv, prefix: 'link' });
        const [early, late] = [token(), token()];
        await links.put(early, slackUser('UE'), 10 * 60_000);
        await links.put(late, slackUser('UL'), 10 * 60_000);

        vi.setSystemTime(new Date('2030-01-01T00:09:59Z'));
        await expect(links.take(early)).resolves.toEqual(slackUser('UE'));
        vi.setSystemTime(new Date('2030-01-01T00:10:01Z'));
        await expect(links.take(late)).resolves.toBeUndefined();
        await expect(keyv.get(oneTimeStoreKey('link', late))).resolves.toBeUndefined();
      });

      it('refuses a non-positive TTL', async () => {
        const links = new KeyvOneTimeStore<ChatUser>({ keyv, prefix: 'link' });
        await expect(links.put(token(), slackUser('U'), 0)).rejects.toThrow(RangeError);
        await expect(links.put(token(), slackUser('U'), Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
      });

      it('hands each token to exactly one of two concurrent takers', async () => {
        const first = new KeyvOneTimeStore<ChatUser>({ keyv, prefix: 'link' });
        const second = new KeyvOneTimeStore<ChatUser>({ keyv: keyvB ?? keyv, prefix: 'link' });
        for (let round = 0; round < 25; round++) {
          const t = token();
          await first.put(t, slackUser(`U${round}`), 60_000);
          const results = await Promise.all([first.take(t), second.take(t), first.take(t), second.take(t)]);
          expect(results.filter((r) => r !== undefined)).toEqual([slackUser(`U${round}`)]);
        }
      });
    });

    describe('claims', () => {
      it('gives each key to exactly one of many concurrent claimers, across instances', async () => {
        const a = new KeyvClaimStore({ keyv });
        const b = new KeyvClaimStore({ keyv: keyvB ?? keyv });
        for (let round = 0; round < 25; round++) {
          const key = `event:${backend.label}:${round}:${randomBytes(4).toString('hex')}`;
          const results = await Promise.all([
            a.claim(key, 60_000),
            b.claim(key, 60_000),
            a.claim(key, 60_000),
            b.claim(key, 60_000),
          ]);
          expect(results.filter(Boolean)).toHaveLength(1);
        }
      });

      it('lets a released key be claimed again, and keeps Keyv reading the claim as an ordinary entry', async () => {
        const claims = new KeyvClaimStore({ keyv });
        const key = `release:${randomBytes(4).toString('hex')}`;
        await expect(claims.claim(key, 60_000)).resolves.toBe(true);
        await expect(claims.claim(key, 60_000)).resolves.toBe(false);
        await claims.release(key);
        await expect(claims.claim(key, 60_000)).resolves.toBe(true);
      });

      // Redis expires keys itself (PX); the SQL stores compare the stored expiry with the clock.
      it.skipIf(backend.label === 'redis')('treats an expired claim as free', async () => {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
        const claims = new KeyvClaimStore({ keyv });
        const key = `expiry:${randomBytes(4).toString('hex')}`;
        await expect(claims.claim(key, 60_000)).resolves.toBe(true);
        vi.setSystemTime(new Date('2030-01-01T00:00:59Z'));
        await expect(claims.claim(key, 60_000)).resolves.toBe(false);
        vi.setSystemTime(new Date('2030-01-01T00:01:01Z'));
        await expect(claims.claim(key, 60_000)).resolves.toBe(true);
        await expect(claims.claim(key, 60_000)).resolves.toBe(false);
      });
    });

    describe('save index', () => {
      const recordOf = (pageId: string, tweetKey: string) => ({
        pageId,
        pageUrl: `https://www.notion.so/${pageId}`,
        dataSourceId: 'ds-1',
        table: 'Tweets',
        tweetKey,
        tweet: { id: tweetKey, handle: 'jack', text: 'just setting up' },
        savedAt: '2026-12-03T06:00:00.000Z',
      });

      it('remembers a row under its tweet and its page in one write, replaces it, and keeps other users apart', async () => {
        const index = new KeyvSaveIndex(keyv, createTokenCipher([k1]));
        const other = new KeyvSaveIndex(keyvB ?? keyv, createTokenCipher([k1]));
        const user = slackUser(`UIDX${randomBytes(3).toString('hex')}`);
        const neighbour = slackUser(`UIDY${randomBytes(3).toString('hex')}`);
        await index.remember(neighbour, recordOf('page-n', '20'));
        await index.remember(user, recordOf('page-1', '20'));
        await expect(other.find(user, 'ds-1', '20')).resolves.toEqual(recordOf('page-1', '20'));
        await expect(other.findByPage(user, 'page-1')).resolves.toEqual(recordOf('page-1', '20'));
        // "Save again" writes a second row for the tweet: the tweet's entry moves to it, the first row's stays.
        await index.remember(user, recordOf('page-2', '20'));
        await expect(other.find(user, 'ds-1', '20')).resolves.toEqual(recordOf('page-2', '20'));
        await expect(other.findByPage(user, 'page-1')).resolves.toEqual(recordOf('page-1', '20'));
        await expect(other.findByPage(user, 'page-2')).resolves.toEqual(recordOf('page-2', '20'));
        await expect(other.find(neighbour, 'ds-1', '20')).resolves.toEqual(recordOf('page-n', '20'));
        await expect(other.find(user, 'ds-1', '21')).resolves.toBeUndefined();
      });
    });

    describe('leases', () => {
      it('are released only by their owner', async () => {
        const lease = `lease:test:${randomBytes(4).toString('hex')}`;
        await expect(setIfAbsent(keyv, lease, 'owner-a', 60_000)).resolves.toBe(true);
        await expect(setIfAbsent(keyvB ?? keyv, lease, 'owner-b', 60_000)).resolves.toBe(false);
        await expect(deleteIfValue(keyvB ?? keyv, lease, 'owner-b')).resolves.toBe(false);
        await expect(keyv.get(lease)).resolves.toBe('owner-a');
        await expect(deleteIfValue(keyvB ?? keyv, lease, 'owner-a')).resolves.toBe(true);
        await expect(keyv.get(lease)).resolves.toBeUndefined();
        await expect(deleteIfValue(keyv, lease, 'owner-a')).resolves.toBe(false);
      });
    });

    describe('saves kept for a reconnect', () => {
      it('keeps every save appended concurrently by two instances, and hands them out once', async () => {
        const a = new KeyvPendingSaves(keyv, createTokenCipher([k1]));
        const b = new KeyvPendingSaves(keyvB ?? keyv, createTokenCipher([k1]));
        const user = slackUser(`UP${randomBytes(3).toString('hex')}`);
        const save = (i: number) => ({
          tweet: { id: String(i), url: `https://x.com/jack/status/${i}`, handle: 'jack' },
          queuedAt: new Date().toISOString(),
        });
        await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).add(user, save(i))));
        const take = (store: KeyvPendingSaves) => store.takeAll(user, async () => undefined);
        const [first, second] = await Promise.all([take(a), take(b)]);
        const taken = [...first, ...second].map((s) => Number(s.tweet.id)).sort((x, y) => x - y);
        expect(taken).toEqual(Array.from({ length: 20 }, (_, i) => i));
        expect(Math.min(first.length, second.length)).toBe(0);
      });

      it('deletes the list only once it was handed on; a save kept meanwhile waits for the next take', async () => {
        const a = new KeyvPendingSaves(keyv, createTokenCipher([k1]));
        const b = new KeyvPendingSaves(keyvB ?? keyv, createTokenCipher([k1]));
        const user = slackUser(`UP${randomBytes(3).toString('hex')}`);
        const save = (id: string) => ({
          tweet: { id, url: `https://x.com/jack/status/${id}`, handle: 'jack' },
          queuedAt: new Date().toISOString(),
        });
        const ids = (saves: { tweet: { id?: string } }[]) => saves.map((s) => s.tweet.id);
        await a.add(user, save('1'));
        await a.add(user, save('2'));

        // Handing on fails (a job could not be stored): everything stays, and `emptied` is not reached.
        const emptied: string[] = [];
        const refused = a.takeAll(
          user,
          async () => Promise.reject(new Error('queue down')),
          async () => void emptied.push('a'),
        );
        await expect(refused).rejects.toThrow('queue down');
        expect(emptied).toEqual([]);

        // Handed on: a save kept by the other instance meanwhile waits for the lease, after `emptied`.
        const steps: string[] = [];
        let later: Promise<number> | undefined;
        const taken = await a.takeAll(
          user,
          async (saves) => {
            steps.push(`hand ${ids(saves).join(',')}`);
            later = b.add(user, save('3')).then((n) => (steps.push('added'), n));
            await new Promise((resolve) => setTimeout(resolve, 60));
          },
          async () => void steps.push('emptied'),
        );
        expect(ids(taken)).toEqual(['1', '2']);
        await expect(later).resolves.toBe(1);
        expect(steps).toEqual(['hand 1,2', 'emptied', 'added']);
        expect(ids(await b.takeAll(user, async () => undefined))).toEqual(['3']);
        expect(await b.takeAll(user, async () => undefined)).toEqual([]);
      });
    });

    describe('expired entries', () => {
      it('the sweep deletes what expired in this namespace and nothing else', async () => {
        const mine = await createKeyv(backend.url(), { namespace: uniqueNamespace(`${backend.label}-sweep`) });
        const theirs = await createKeyv(backend.url(), { namespace: uniqueNamespace(`${backend.label}-other`) });
        try {
          const links = new KeyvOneTimeStore<ChatUser>({ keyv: mine, prefix: 'link' });
          for (let i = 0; i < 3; i++) await links.put(`t${i}`, slackUser('U1'), 60_000);
          await new KeyvClaimStore({ keyv: mine }).claim('event:dm-1', 60_000);
          await mine.set('forever', { kept: true });
          await links.put('long', slackUser('U2'), 24 * 60 * 60_000);
          await theirs.set('other-namespace', 1, 60_000);
          const later = Date.now() + 60 * 60_000;

          const removed = await sweepExpired(mine, later);
          if (backend.label === 'redis') {
            expect(removed).toBe(0); // Redis expires keys itself
            return;
          }
          expect(removed).toBe(4);
          // Really gone: a second sweep finds nothing, and what had no expiry or a later one is there.
          expect(await sweepExpired(mine, later)).toBe(0);
          expect(await mine.get('forever')).toEqual({ kept: true });
          expect(await links.peek('long')).toEqual(slackUser('U2'));
          // Another namespace's rows (another app sharing the table) are its own business.
          if (backend.label !== 'memory') expect(await sweepExpired(theirs, later)).toBe(1);
        } finally {
          await mine.clear();
          await theirs.clear();
          await closeKeyv(mine);
          await closeKeyv(theirs);
        }
      });
    });
  });
}

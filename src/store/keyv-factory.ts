import { Keyv, type KeyvStoreAdapter } from 'keyv';
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../config.js';
import type { AtomicSetIfAbsent } from './keyv-adapters/atomic-store.js';

/** Namespace used when the caller names none; every key is stored as `<namespace>:<key>`. */
export const DEFAULT_NAMESPACE = 'save-to-notion';

/** For stores without set-if-absent (memory://, one process): per store, the keys being decided now. */
const decidingByStore = new WeakMap<Keyv, Set<string>>();

/** Has-then-set, made atomic within the process: a concurrent call for a key being decided loses. */
async function setIfAbsentInProcess(keyv: Keyv, key: string, value: unknown, ttlMs: number): Promise<boolean> {
  let deciding = decidingByStore.get(keyv);
  if (!deciding) decidingByStore.set(keyv, (deciding = new Set()));
  if (deciding.has(key)) return false;
  deciding.add(key);
  try {
    if (await keyv.has(key)) return false;
    await keyv.set(key, value, ttlMs);
    return true;
  } finally {
    deciding.delete(key);
  }
}

/**
 * Stores `value` under `key` for `ttlMs` unless a live entry holds it: exactly one of any number of
 * concurrent callers wins, across every instance sharing the store (sqlite, Postgres, Redis), or
 * within the one process that can use memory://.
 */
export async function setIfAbsent(keyv: Keyv, key: string, value: unknown, ttlMs: number): Promise<boolean> {
  const store = keyv.store as Partial<AtomicSetIfAbsent>;
  if (typeof store.setIfAbsent !== 'function') return setIfAbsentInProcess(keyv, key, value, ttlMs);
  // Exactly what Keyv's own `set` would write, so get/has/delete/clear see the entry as usual.
  const serialized = await keyv.serialize!({ value, expires: Date.now() + ttlMs });
  return store.setIfAbsent.call(keyv.store, keyvKey(keyv, key), serialized, ttlMs);
}

/** Keyv's key for `key`, as its own get/set/delete use it (the namespace prefix, when it adds one). */
function keyvKey(keyv: Keyv, key: string): string {
  return (keyv as unknown as { _getKeyPrefix(key: string): string })._getKeyPrefix(key);
}

/**
 * Deletes `key` only while it still holds the string `expected` (a lease's owner token): a holder
 * whose lease expired and was taken by another instance never deletes the new holder's lease.
 */
export async function deleteIfValue(keyv: Keyv, key: string, expected: string): Promise<boolean> {
  const store = keyv.store as Partial<AtomicSetIfAbsent>;
  if (typeof store.deleteIfValue === 'function')
    return store.deleteIfValue.call(keyv.store, keyvKey(keyv, key), expected);
  // memory://: one process, and nothing runs between these two steps that could take the key over.
  return (await keyv.get(key)) === expected && keyv.delete(key);
}

/**
 * Extends `key` by `ttlMs` only while it still holds the string `expected` and has not expired: a lease's holder
 * renews its own lease and never one another instance took after it lapsed.
 */
export async function renewIfValue(keyv: Keyv, key: string, expected: string, ttlMs: number): Promise<boolean> {
  const store = keyv.store as Partial<AtomicSetIfAbsent>;
  if (typeof store.replaceIfValue === 'function') {
    const serialized = await keyv.serialize!({ value: expected, expires: Date.now() + ttlMs });
    return store.replaceIfValue.call(keyv.store, keyvKey(keyv, key), expected, serialized, ttlMs);
  }
  // memory://: one process, and nothing runs between these two steps that could take the key over.
  if ((await keyv.get(key)) !== expected) return false;
  await keyv.set(key, expected, ttlMs);
  return true;
}

/** Adapters whose rows outlive their expiry until something reads them (SQLite, Postgres). */
interface SweepsExpired {
  sweepExpired(prefix: string, now: number): Promise<number>;
}

/**
 * Deletes the entries of `keyv`'s namespace whose time to live ended before `now`, and returns how
 * many. Keyv only drops an expired entry when it is read, so one-time links, states and claims that
 * nobody reads again would stay in SQLite and Postgres for ever. Redis expires keys itself (nothing to
 * do); the in-memory store is swept by walking it.
 */
export async function sweepExpired(keyv: Keyv, now = Date.now()): Promise<number> {
  const store = keyv.store as Partial<SweepsExpired> | Map<string, unknown>;
  const prefix = keyvKey(keyv, '');
  if (store instanceof Map) {
    let removed = 0;
    for (const [key, raw] of store) {
      if (typeof key !== 'string' || !key.startsWith(prefix) || typeof raw !== 'string') continue;
      let expires: unknown;
      try {
        expires = (JSON.parse(raw) as { expires?: unknown }).expires;
      } catch {
        continue;
      }
      if (typeof expires === 'number' && expires <= now && store.delete(key)) removed++;
    }
    return removed;
  }
  if (typeof store.sweepExpired !== 'function') return 0;
  return store.sweepExpired.call(keyv.store, prefix, now);
}

/** The scheme of a STORE_URL, e.g. `sqlite`; safe to log (the URL itself may carry a password). */
export function storeScheme(storeUrl: string): string {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(storeUrl.trim());
  return match ? match[1]!.toLowerCase() : 'unknown';
}

/** `sqlite://./data/x.sqlite` -> `<cwd>/data/x.sqlite`; `sqlite:///abs/x.sqlite` -> `/abs/x.sqlite`. */
export function sqlitePath(storeUrl: string): string {
  const path = storeUrl.trim().replace(/^sqlite:\/\//i, '');
  if (path === '')
    throw new ConfigError('STORE_URL: a sqlite:// URL needs a file path, e.g. sqlite://./data/save-to-notion.sqlite');
  return path === ':memory:' ? path : resolve(process.cwd(), path);
}

/**
 * The SQLite file holds every user's encrypted tokens and save history: only its owner may read it.
 * Folders it creates are 0700 (an existing folder is the operator's and left as it is); the file is
 * created 0600 before the driver opens it (SQLite gives its journal files the database's mode), and
 * an existing file that group or others can read is tightened to 0600.
 */
export async function prepareSqliteFile(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const file = await open(path, 'a', 0o600);
  try {
    if (((await file.stat()).mode & 0o077) !== 0) await file.chmod(0o600);
  } finally {
    await file.close();
  }
}

/** How the store is opened beyond its URL. */
export interface KeyvOptions {
  /** Keys are stored as `<namespace>:<key>`; DEFAULT_NAMESPACE when absent. */
  namespace?: string | undefined;
  /** SQLITE_SYNCHRONOUS for sqlite:// (default `normal`). */
  sqliteSynchronous?: 'normal' | 'full' | undefined;
}

async function openAdapter(
  storeUrl: string,
  namespace: string,
  options: KeyvOptions,
): Promise<{ store: KeyvStoreAdapter | Map<unknown, unknown>; keyPrefix: boolean }> {
  const scheme = storeScheme(storeUrl);
  // Each engine's driver is loaded only when STORE_URL names it: the others' modules would cost memory for nothing.
  switch (scheme) {
    case 'memory':
      return { store: new Map(), keyPrefix: true };
    case 'sqlite': {
      const path = sqlitePath(storeUrl);
      if (path !== ':memory:') await prepareSqliteFile(path);
      const { openSqliteAdapter } = await import('./keyv-adapters/sqlite-adapter.js');
      return { store: await openSqliteAdapter(path, options.sqliteSynchronous), keyPrefix: true };
    }
    case 'redis':
    case 'rediss': {
      const { openRedisAdapter } = await import('./keyv-adapters/redis-adapter.js');
      return { store: openRedisAdapter(storeUrl, namespace), keyPrefix: false };
    }
    case 'postgres':
    case 'postgresql':
      return {
        store: (await import('./keyv-adapters/postgres-adapter.js')).openPostgresAdapter(storeUrl),
        keyPrefix: true,
      };
    default:
      throw new ConfigError(
        'STORE_URL: must start with sqlite://, redis://, rediss://, postgres://, postgresql:// or memory://',
      );
  }
}

/**
 * Opens the Keyv store named by STORE_URL and checks that it answers. Store errors throw
 * (`throwOnErrors`) instead of reading as "no value", so a broken store is never mistaken for
 * "not connected". Close it with `closeKeyv`.
 */
export async function createKeyv(storeUrl: string, options: KeyvOptions = {}): Promise<Keyv> {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const scheme = storeScheme(storeUrl);
  let keyv: Keyv | undefined;
  // Adapters report the underlying failure (ECONNREFUSED, bad password) as an event and throw a
  // generic error; keep the first one as the cause.
  let reported: unknown;
  const onError = (error: unknown) => {
    reported ??= error;
  };
  try {
    const { store, keyPrefix } = await openAdapter(storeUrl, namespace, options);
    keyv = new Keyv(store as KeyvStoreAdapter, { namespace, useKeyPrefix: keyPrefix, throwOnErrors: true });
    keyv.on('error', onError);
    await keyv.get('__store_check__');
    return keyv;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    await keyv?.disconnect().catch(() => {});
    // The message names only the scheme: the URL may carry a password.
    throw new Error(`could not open the ${scheme} store`, { cause: reported ?? e });
  } finally {
    keyv?.off('error', onError);
  }
}

/** Closes the store's connections (a no-op for memory://). */
export async function closeKeyv(keyv: Keyv): Promise<void> {
  await keyv.disconnect();
}

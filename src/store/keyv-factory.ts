import { KeyvPostgres } from '@keyv/postgres';
import KeyvRedis from '@keyv/redis';
import { KeyvSqlite } from '@keyv/sqlite';
import { Keyv, type KeyvStoreAdapter } from 'keyv';
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import { ConfigError } from '../config.js';

/** Namespace used when the caller names none; every key is stored as `<namespace>:<key>`. */
export const DEFAULT_NAMESPACE = 'save-to-notion';

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Set-if-absent for claims, in the adapters that can do it in one step: `key` and `value` are what
 * Keyv would hand the adapter's `set` (prefixed key, serialized `{ value, expires }`). True when this
 * call stored it; false while a live entry holds the key. An expired entry counts as absent.
 */
interface AtomicSetIfAbsent {
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes `key` only while its stored value (Keyv's `value` field) is the string `expected`. */
  deleteIfValue(key: string, expected: string): Promise<boolean>;
  /** Replaces a live entry with `value` (Keyv-serialized, a new expiry) only while it holds the string `expected`. */
  replaceIfValue(key: string, expected: string, value: string, ttlMs: number): Promise<boolean>;
}

/**
 * @keyv/sqlite deletes with SELECT then DELETE, so two concurrent deletes of one key can both report
 * `true`. One-time tokens rely on `delete` telling exactly one caller that it removed the row.
 */
class AtomicKeyvSqlite extends KeyvSqlite implements AtomicSetIfAbsent {
  override async delete(key: string): Promise<boolean> {
    const rows = (await this.query(`DELETE FROM ${this.opts.table} WHERE key = ? RETURNING key`, key)) as unknown[];
    return rows.length > 0;
  }

  /** One statement: inserts, or takes over an expired entry; a live one makes it return no row. */
  async setIfAbsent(key: string, value: string): Promise<boolean> {
    const t = this.opts.table;
    const rows = (await this.query(
      `INSERT INTO ${t} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value
       WHERE json_extract(${t}.value, '$.expires') <= ? RETURNING key`,
      key,
      value,
      Date.now(),
    )) as unknown[];
    return rows.length > 0;
  }

  /** Deletes every entry under `prefix` whose Keyv expiry has passed; Keyv itself only drops one when it is read. */
  async sweepExpired(prefix: string, now: number): Promise<number> {
    const t = this.opts.table;
    // CASE, not AND: SQLite may evaluate AND's operands in any order, and json_extract throws on non-JSON.
    const rows = (await this.query(
      `DELETE FROM ${t} WHERE substr(key, 1, ?) = ?
       AND (CASE WHEN json_valid(value) THEN json_extract(value, '$.expires') END) <= ? RETURNING key`,
      prefix.length,
      prefix,
      now,
    )) as unknown[];
    return rows.length;
  }

  async deleteIfValue(key: string, expected: string): Promise<boolean> {
    const t = this.opts.table;
    const rows = (await this.query(
      `DELETE FROM ${t} WHERE key = ? AND json_extract(value, '$.value') = ? RETURNING key`,
      key,
      expected,
    )) as unknown[];
    return rows.length > 0;
  }

  async replaceIfValue(key: string, expected: string, value: string): Promise<boolean> {
    const t = this.opts.table;
    const rows = (await this.query(
      `UPDATE ${t} SET value = ? WHERE key = ? AND json_extract(value, '$.value') = ? AND json_extract(value, '$.expires') > ? RETURNING key`,
      value,
      key,
      expected,
      Date.now(),
    )) as unknown[];
    return rows.length > 0;
  }
}

/** Each Postgres store's own pool (kept outside the instance: `connect` runs inside the base constructor). */
const postgresPools = new WeakMap<object, pg.Pool>();

/**
 * @keyv/postgres with two fixes. Deletes: same race as sqlite; DELETE … RETURNING is atomic per row.
 * Pool: the stock adapter shares one module-wide pool per URL and never listens for the pool's
 * 'error' event, so a Postgres restart killed the process through an idle client; this store owns
 * its pool, and a lost idle client surfaces as the next query's error, which callers handle.
 */
class AtomicKeyvPostgres extends KeyvPostgres implements AtomicSetIfAbsent {
  override async delete(key: string): Promise<boolean> {
    const rows = await this.query(`DELETE FROM ${this.opts.schema}.${this.opts.table} WHERE key = $1 RETURNING key`, [
      key,
    ]);
    return rows.length > 0;
  }

  /** ON CONFLICT locks the row, so of two instances racing for one key exactly one gets a row back. */
  async setIfAbsent(key: string, value: string): Promise<boolean> {
    const t = `${this.opts.schema}.${this.opts.table}`;
    const rows = await this.query(
      `INSERT INTO ${t} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value
       WHERE (${t}.value::jsonb ->> 'expires')::bigint <= $3 RETURNING key`,
      [key, value, Date.now()],
    );
    return rows.length > 0;
  }

  /** As for SQLite. Every value under our prefix was written by Keyv, so it is JSON. */
  async sweepExpired(prefix: string, now: number): Promise<number> {
    const t = `${this.opts.schema}.${this.opts.table}`;
    const rows = await this.query(
      `DELETE FROM ${t} WHERE left(key, $1) = $2 AND (value::jsonb ->> 'expires')::bigint <= $3 RETURNING key`,
      [prefix.length, prefix, now],
    );
    return rows.length;
  }

  async deleteIfValue(key: string, expected: string): Promise<boolean> {
    const t = `${this.opts.schema}.${this.opts.table}`;
    const rows = await this.query(`DELETE FROM ${t} WHERE key = $1 AND (value::jsonb ->> 'value') = $2 RETURNING key`, [
      key,
      expected,
    ]);
    return rows.length > 0;
  }

  async replaceIfValue(key: string, expected: string, value: string): Promise<boolean> {
    const t = `${this.opts.schema}.${this.opts.table}`;
    const rows = await this.query(
      `UPDATE ${t} SET value = $1 WHERE key = $2 AND (value::jsonb ->> 'value') = $3
       AND (value::jsonb ->> 'expires')::bigint > $4 RETURNING key`,
      [value, key, expected, Date.now()],
    );
    return rows.length > 0;
  }

  override async connect(): Promise<(sql: string, values?: unknown[]) => Promise<unknown[]>> {
    const pool = new pg.Pool({ connectionString: this.opts.uri, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    pool.on('error', () => undefined);
    postgresPools.set(this, pool);
    return async (sql, values) => (await pool.query(sql, values)).rows as unknown[];
  }

  override async disconnect(): Promise<void> {
    await postgresPools.get(this)?.end();
  }
}

/** Compare-and-delete in one step: Redis runs a script without interleaving other commands. */
const DELETE_IF_VALUE_LUA = `
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw).value == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Compare-and-replace in one step; an expired entry is already gone (Redis TTL). */
const REPLACE_IF_VALUE_LUA = `
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw).value == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
return 0`;

/** Redis does set-if-absent natively; its TTL expires the claim. */
class ClaimingKeyvRedis extends KeyvRedis<unknown> implements AtomicSetIfAbsent {
  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const client = await this.getClient();
    const reply = await client.set(this.createKeyPrefix(key, this.namespace), value, { PX: ttlMs, NX: true });
    return reply === 'OK';
  }

  async deleteIfValue(key: string, expected: string): Promise<boolean> {
    const client = await this.getClient();
    const deleted = await client.eval(DELETE_IF_VALUE_LUA, {
      keys: [this.createKeyPrefix(key, this.namespace)],
      arguments: [expected],
    });
    return deleted === 1;
  }

  async replaceIfValue(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    const client = await this.getClient();
    const keys = [this.createKeyPrefix(key, this.namespace)];
    const replaced = await client.eval(REPLACE_IF_VALUE_LUA, {
      keys,
      arguments: [expected, value, String(Math.max(1, Math.round(ttlMs)))],
    });
    return replaced === 1;
  }
}

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
  switch (scheme) {
    case 'memory':
      return { store: new Map(), keyPrefix: true };
    case 'sqlite': {
      const path = sqlitePath(storeUrl);
      if (path !== ':memory:') await prepareSqliteFile(path);
      const store = new AtomicKeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 5_000 });
      // A rollback journal costs three fsyncs per commit, and every save commits several times (the job before the
      // ack, its claim, the row's index): WAL commits append to one file. In WAL, `normal` fsyncs only at
      // checkpoints: a killed or crashed process loses no commit, a power cut may lose the last ones; `full` fsyncs
      // every commit (SQLITE_SYNCHRONOUS).
      await store.query('PRAGMA journal_mode = WAL');
      await store.query(`PRAGMA synchronous = ${options.sqliteSynchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      return { store, keyPrefix: true };
    }
    case 'redis':
    case 'rediss': {
      // Give up at once when the first connection fails (start-up should fail fast, not hang);
      // once connected, reconnect with backoff for as long as it takes.
      let connectedOnce = false;
      const store = new ClaimingKeyvRedis(
        {
          url: storeUrl,
          // Fail commands while disconnected instead of queueing them forever.
          disableOfflineQueue: true,
          socket: {
            connectTimeout: CONNECT_TIMEOUT_MS,
            reconnectStrategy: (attempts: number, cause: Error) =>
              connectedOnce ? Math.min(2 ** attempts * 100, 2_000) : cause,
          },
        },
        { namespace, throwOnErrors: true, throwOnConnectError: true, connectionTimeout: CONNECT_TIMEOUT_MS },
      );
      (store.client as unknown as NodeJS.EventEmitter).on('ready', () => {
        connectedOnce = true;
      });
      // KeyvRedis prefixes keys with its namespace itself, as @keyv/redis's own createKeyv sets up.
      return { store, keyPrefix: false };
    }
    case 'postgres':
    case 'postgresql':
      return {
        store: new AtomicKeyvPostgres({ uri: storeUrl }),
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

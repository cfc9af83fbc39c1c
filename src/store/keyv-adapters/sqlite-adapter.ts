import EventEmitter from 'node:events';
import type { AtomicSetIfAbsent } from './atomic-store.js';
import { SqliteStatements, type SqliteQuery } from './sqlite-statements.js';

/** How many entries `iterator` reads per query (as @keyv/sqlite). */
const ITERATION_PAGE = 10;

/**
 * Keyv's SQLite store: the table @keyv/sqlite made (`keyv`: `key VARCHAR(255) PRIMARY KEY, value TEXT`), read and
 * written the same way, on one connection whose statements stay prepared (see SqliteStatements), plus the atomic
 * steps claims and leases need and the outbox's own statements (`query`). @keyv/sqlite prepared every statement anew
 * and deleted with SELECT then DELETE, so two concurrent deletes of one key could both report `true`; one-time tokens
 * rely on `delete` telling exactly one caller that it removed the row.
 */
class AtomicKeyvSqlite extends EventEmitter implements AtomicSetIfAbsent {
  readonly ttlSupport = false;
  /** Set by Keyv. */
  namespace: string | undefined;
  /** `dialect` and `url` tell Keyv it can iterate this store. */
  readonly opts: { table: string; dialect: 'sqlite'; url: string };
  private readonly ready: Promise<SqliteStatements>;

  constructor(path: string, busyTimeoutMs: number) {
    super();
    this.opts = { table: 'keyv', dialect: 'sqlite', url: `sqlite://${path}` };
    const t = this.opts.table;
    this.ready = SqliteStatements.open(path, busyTimeoutMs).then(async (db) => {
      await db.query(`CREATE TABLE IF NOT EXISTS ${t}(key VARCHAR(255) PRIMARY KEY, value TEXT )`);
      return db;
    });
    this.ready.catch(() => undefined); // every query rejects with the failure
  }

  readonly query: SqliteQuery = async (sql, ...params) => (await this.ready).query(sql, ...params);

  async get(key: string): Promise<string | undefined> {
    const rows = (await this.query(`SELECT * FROM ${this.opts.table} WHERE key = ?`, key)) as { value: string }[];
    return rows[0]?.value;
  }

  async getMany(keys: string[]): Promise<(string | undefined)[]> {
    const rows = (await this.query(
      `SELECT * FROM ${this.opts.table} WHERE key IN (SELECT value FROM json_each(?))`,
      JSON.stringify(keys),
    )) as { key: string; value: string }[];
    const byKey = new Map(rows.map((r) => [r.key, r.value]));
    return keys.map((k) => byKey.get(k));
  }

  async set(key: string, value: string): Promise<void> {
    await this.query(
      `INSERT INTO ${this.opts.table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      key,
      value,
    );
  }

  async has(key: string): Promise<boolean> {
    const rows = (await this.query(`SELECT 1 AS found FROM ${this.opts.table} WHERE key = ?`, key)) as unknown[];
    return rows.length > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    const rows = (await this.query(
      `DELETE FROM ${this.opts.table} WHERE key IN (SELECT value FROM json_each(?)) RETURNING key`,
      JSON.stringify(keys),
    )) as unknown[];
    return rows.length > 0;
  }

  /** Every entry of the namespace (of the whole table when Keyv gives none). */
  async clear(): Promise<void> {
    await this.query(`DELETE FROM ${this.opts.table} WHERE key LIKE ?`, this.namespace ? `${this.namespace}:%` : '%');
  }

  async *iterator(namespace?: string): AsyncGenerator<[string, string]> {
    const pattern = `${namespace ? `${namespace}:` : ''}%`;
    for (let offset = 0; ; offset += ITERATION_PAGE) {
      const rows = (await this.query(
        `SELECT * FROM ${this.opts.table} WHERE key LIKE ? LIMIT ? OFFSET ?`,
        pattern,
        ITERATION_PAGE,
        offset,
      )) as { key: string; value: string }[];
      if (rows.length === 0) return;
      for (const row of rows) yield [row.key, row.value];
    }
  }

  async disconnect(): Promise<void> {
    await (await this.ready).close();
  }

  async delete(key: string): Promise<boolean> {
    const rows = (await this.query(`DELETE FROM ${this.opts.table} WHERE key = ? RETURNING key`, key)) as unknown[];
    return rows.length > 0;
  }

  /**
   * Several entries in one statement (one transaction, one trip to the driver's thread), where Keyv would otherwise
   * send one upsert per entry. Keyv has already serialized the values.
   */
  async setMany(entries: { key: string; value: string }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.query(
      `INSERT INTO ${this.opts.table} (key, value) VALUES ${entries.map(() => '(?, ?)').join(', ')}
       ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      ...entries.flatMap((e) => [e.key, e.value]),
    );
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

/**
 * The SQLite adapter on `path`, its file in WAL mode. A rollback journal costs three fsyncs per commit, and every save
 * commits several times (the job before the ack, its claim, the row's index): WAL appends commits to one file. In WAL,
 * `normal` fsyncs only at checkpoints, so a killed or crashed process loses no commit and a power cut may lose the
 * last ones; `full` fsyncs every commit (SQLITE_SYNCHRONOUS).
 */
export async function openSqliteAdapter(
  path: string,
  synchronous: 'normal' | 'full' | undefined,
): Promise<AtomicKeyvSqlite> {
  const store = new AtomicKeyvSqlite(path, 5_000);
  await store.query('PRAGMA journal_mode = WAL');
  await store.query(`PRAGMA synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  return store;
}

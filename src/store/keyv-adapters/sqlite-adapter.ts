import { KeyvSqlite } from '@keyv/sqlite';
import type { AtomicSetIfAbsent } from './atomic-store.js';
import { PreparedStatements } from './prepared-statements.js';

/**
 * @keyv/sqlite deletes with SELECT then DELETE, so two concurrent deletes of one key can both report
 * `true`. One-time tokens rely on `delete` telling exactly one caller that it removed the row.
 */
class AtomicKeyvSqlite extends KeyvSqlite implements AtomicSetIfAbsent {
  /**
   * Queries go to a connection that keeps its prepared statements (see PreparedStatements); the one @keyv/sqlite opens
   * creates its table and is closed.
   */
  constructor(path: string, busyTimeoutMs: number) {
    super({ uri: `sqlite://${path}`, busyTimeout: busyTimeoutMs });
    const created = this.query('SELECT 1');
    const closeCreator = this.close;
    const statements = created.then(() => closeCreator()).then(() => PreparedStatements.open(path, busyTimeoutMs));
    // Without a query the rejection would go unhandled; each query and close reports it.
    statements.catch(() => undefined);
    this.query = async (sql: string, ...params: unknown[]) => (await statements).all(sql, params);
    this.close = async () => (await statements).close();
  }

  override async delete(key: string): Promise<boolean> {
    const rows = (await this.query(`DELETE FROM ${this.opts.table} WHERE key = ? RETURNING key`, key)) as unknown[];
    return rows.length > 0;
  }

  /**
   * Several entries in one statement (one transaction, one round trip to the driver's thread), where @keyv/sqlite
   * has no setMany and Keyv would send one upsert per entry. Keyv has already serialized the values.
   */
  async setMany(entries: { key: string; value: string }[]): Promise<boolean[]> {
    if (entries.length === 0) return [];
    await this.query(
      `INSERT INTO ${this.opts.table} (key, value) VALUES ${entries.map(() => '(?, ?)').join(', ')}
       ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      ...entries.flatMap((e) => [e.key, e.value]),
    );
    return entries.map(() => true);
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
export async function openSqliteAdapter(path: string, synchronous: 'normal' | 'full' | undefined): Promise<KeyvSqlite> {
  const store = new AtomicKeyvSqlite(path, 5_000);
  await store.query('PRAGMA journal_mode = WAL');
  await store.query(`PRAGMA synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  return store;
}

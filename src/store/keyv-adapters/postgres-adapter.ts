import { KeyvPostgres } from '@keyv/postgres';
import pg from 'pg';
import { CONNECT_TIMEOUT_MS, type AtomicSetIfAbsent } from './atomic-store.js';

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

export function openPostgresAdapter(storeUrl: string): KeyvPostgres {
  return new AtomicKeyvPostgres({ uri: storeUrl });
}

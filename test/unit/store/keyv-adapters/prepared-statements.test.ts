import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreparedStatements } from '../../../../src/store/keyv-adapters/prepared-statements.js';
import { tempDir } from '../helpers.js';

describe('PreparedStatements', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let db: PreparedStatements;
  beforeEach(async () => {
    dir = await tempDir();
    db = await PreparedStatements.open(join(dir.path, 'store.sqlite'), 1_000);
    await db.all('CREATE TABLE t (key TEXT PRIMARY KEY, value TEXT)', []);
  });
  afterEach(async () => {
    await db.close();
    await dir.remove();
  });

  it('runs one statement many times, with its own parameters each time, also concurrently', async () => {
    const insert = 'INSERT INTO t (key, value) VALUES (?, ?) RETURNING key';
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    const returned = await Promise.all(keys.map((k) => db.all(insert, [k, `v-${k}`])));
    expect(returned).toEqual(keys.map((key) => [{ key }]));
    const read = await Promise.all(keys.map((k) => db.all('SELECT value FROM t WHERE key = ?', [k])));
    expect(read).toEqual(keys.map((k) => [{ value: `v-${k}` }]));
  });

  it('runs queries one at a time, in the order they are made', async () => {
    await db.all('INSERT INTO t (key, value) VALUES (?, ?)', ['a', '']);
    const parts = Array.from({ length: 30 }, (_, i) => `${i},`);
    const appended = parts.map((p) => db.all("UPDATE t SET value = value || ? WHERE key = 'a'", [p]));
    const read = db.all("SELECT value FROM t WHERE key = 'a'", []);
    await Promise.all(appended);
    expect(await read).toEqual([{ value: parts.join('') }]);
  });

  it('takes parameters as Database#all does: listed, or as one array', async () => {
    await db.all('INSERT INTO t (key, value) VALUES (?, ?), (?, ?)', ['a', '1', 'b', '2']);
    const select = 'SELECT key FROM t WHERE key >= ? ORDER BY key LIMIT ? OFFSET ?';
    expect(await db.all(select, [['a', 1, 1]])).toEqual([{ key: 'b' }]);
    expect(await db.all(select, ['a', 2, 0])).toEqual([{ key: 'a' }, { key: 'b' }]);
  });

  it('rejects a statement that does not prepare, and one that fails, and goes on working', async () => {
    await expect(db.all('SELEC nonsense', [])).rejects.toThrow(/syntax error/);
    const insert = 'INSERT INTO t (key, value) VALUES (?, ?)';
    await db.all(insert, ['a', '1']);
    await expect(db.all(insert, ['a', '2'])).rejects.toThrow(/UNIQUE constraint/);
    await db.all(insert, ['b', '2']);
    expect(await db.all('SELECT key FROM t ORDER BY key', [])).toEqual([{ key: 'a' }, { key: 'b' }]);
  });

  it('keeps working past the number of distinct statements it keeps', async () => {
    for (let n = 1; n <= 100; n++) {
      const sql = `SELECT ${Array.from({ length: n }, () => '?').join(' + ')} AS total`;
      expect(
        await db.all(
          sql,
          Array.from({ length: n }, () => 1),
        ),
      ).toEqual([{ total: n }]);
    }
  });

  it('closes with statements kept and one running, and refuses queries after', async () => {
    await db.all('SELECT 1', []);
    const running = db.all('INSERT INTO t (key, value) VALUES (?, ?)', ['x', 'y']);
    await db.close();
    await expect(running).resolves.toEqual([]);
    await expect(db.all('SELECT 1', [])).rejects.toThrow(/closed/);
  });
});

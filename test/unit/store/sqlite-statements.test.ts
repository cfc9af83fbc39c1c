import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStatements } from '../../../src/store/keyv-adapters/sqlite-statements.js';
import { tempDir } from './helpers.js';

describe('SqliteStatements', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let db: SqliteStatements;
  beforeEach(async () => {
    dir = await tempDir();
    db = await SqliteStatements.open(join(dir.path, 's.sqlite'), 1_000);
    await db.query('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
  });
  afterEach(async () => {
    await db.close();
    await dir.remove();
  });

  it('runs one kept statement for many concurrent calls, each with its own parameters', async () => {
    const insert = 'INSERT INTO t (k, v) VALUES (?, ?) RETURNING k';
    const inserted = await Promise.all(Array.from({ length: 50 }, (_, i) => db.query(insert, `k${i}`, i)));
    expect(inserted.map((rows) => rows)).toEqual(Array.from({ length: 50 }, (_, i) => [{ k: `k${i}` }]));
    const read = await Promise.all(
      Array.from({ length: 50 }, (_, i) => db.query('SELECT v FROM t WHERE k = ?', `k${i}`)),
    );
    expect(read).toEqual(Array.from({ length: 50 }, (_, i) => [{ v: i }]));
    await expect(db.query('SELECT v FROM t WHERE k = ?', 'none')).resolves.toEqual([]);
  });

  it('rejects a statement that does not prepare or fails, and goes on with the next calls', async () => {
    await expect(db.query('SELEC nothing')).rejects.toThrow(/SQLITE_ERROR/);
    await expect(db.query('SELEC nothing')).rejects.toThrow(/SQLITE_ERROR/);
    const insert = 'INSERT INTO t (k, v) VALUES (?, ?)';
    await db.query(insert, 'a', 1);
    await expect(db.query(insert, 'a', 2)).rejects.toThrow(/SQLITE_CONSTRAINT/);
    await expect(db.query(insert, 'b', null)).rejects.toThrow(/SQLITE_CONSTRAINT/);
    await db.query(insert, 'c', 3);
    await expect(db.query('SELECT k, v FROM t ORDER BY k')).resolves.toEqual([
      { k: 'a', v: 1 },
      { k: 'c', v: 3 },
    ]);
  });
});

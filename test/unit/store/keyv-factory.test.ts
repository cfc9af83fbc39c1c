import { stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config.js';
import { closeKeyv, createKeyv, sqlitePath, storeScheme } from '../../../src/store/keyv-factory.js';
import { tempDir } from './helpers.js';

/** A localhost port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

describe('sqlitePath / storeScheme', () => {
  it('resolves relative paths against the working directory and keeps absolute ones', () => {
    expect(sqlitePath('sqlite://./data/x.sqlite')).toBe(resolve(process.cwd(), 'data/x.sqlite'));
    expect(sqlitePath('sqlite://data/x.sqlite')).toBe(resolve(process.cwd(), 'data/x.sqlite'));
    expect(sqlitePath('sqlite:///abs/path.sqlite')).toBe('/abs/path.sqlite');
    expect(() => sqlitePath('sqlite://')).toThrow(ConfigError);
  });

  it('names only the scheme, never the rest of the URL', () => {
    expect(storeScheme('postgres://user:hunter2@db/x')).toBe('postgres');
    expect(storeScheme('REDIS://h:1')).toBe('redis');
    expect(storeScheme('nonsense')).toBe('unknown');
  });
});

describe('createKeyv', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('opens memory:// with Keyv throwing store errors', async () => {
    const keyv = await createKeyv('memory://', { namespace: 'n' });
    expect(keyv.throwOnErrors).toBe(true);
    await keyv.set('a', 1);
    await expect(keyv.get('a')).resolves.toBe(1);
    await closeKeyv(keyv);
  });

  it('creates the parent directory of an absolute sqlite path', async () => {
    const file = join(dir.path, 'deep', 'er', 'x.sqlite');
    const keyv = await createKeyv(`sqlite://${file}`, {});
    await keyv.set('a', 'b');
    await closeKeyv(keyv);
    expect((await stat(file)).isFile()).toBe(true);
  });

  it('runs the sqlite file in WAL mode, synchronous NORMAL unless SQLITE_SYNCHRONOUS asks for FULL', async () => {
    const pragmas = async (options: Parameters<typeof createKeyv>[1]) => {
      const keyv = await createKeyv(
        `sqlite://${join(dir.path, `${String(options?.sqliteSynchronous)}.sqlite`)}`,
        options,
      );
      const query = (keyv.store as { query(sql: string): Promise<Record<string, unknown>[]> }).query.bind(keyv.store);
      const [mode] = await query('PRAGMA journal_mode');
      const [sync] = await query('PRAGMA synchronous');
      await closeKeyv(keyv);
      return { mode: mode!.journal_mode, sync: sync!.synchronous };
    };
    // SQLite reports synchronous as a number: 1 NORMAL, 2 FULL.
    await expect(pragmas({})).resolves.toEqual({ mode: 'wal', sync: 1 });
    await expect(pragmas({ sqliteSynchronous: 'full' })).resolves.toEqual({ mode: 'wal', sync: 2 });
  });

  it('resolves a relative sqlite path against the working directory', async () => {
    const before = process.cwd();
    process.chdir(dir.path);
    try {
      const keyv = await createKeyv('sqlite://./data/rel.sqlite', {});
      await keyv.set('a', 'b');
      await closeKeyv(keyv);
    } finally {
      process.chdir(before);
    }
    expect((await stat(join(dir.path, 'data', 'rel.sqlite'))).isFile()).toBe(true);
  });

  it('rejects an unknown scheme with a ConfigError', async () => {
    await expect(createKeyv('mongodb://x/y', {})).rejects.toThrow(ConfigError);
  });

  it('fails to open an unusable sqlite path instead of starting without a store', async () => {
    const blocker = join(dir.path, 'a-file');
    await writeFile(blocker, '');
    await expect(createKeyv(`sqlite://${blocker}/x.sqlite`, {})).rejects.toThrow('could not open the sqlite store');
  });

  it('fails fast when redis is not listening, without echoing the URL', async () => {
    const port = await closedPort();
    const started = Date.now();
    const opening = createKeyv(`redis://:hunter2@127.0.0.1:${port}`, {});
    await expect(opening).rejects.toThrow('could not open the redis store');
    await expect(opening).rejects.not.toThrow('hunter2');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('throws on a store that broke after opening rather than reading "no value"', async () => {
    const keyv = await createKeyv(`sqlite://${join(dir.path, 'x.sqlite')}`, {});
    await keyv.set('present', 'yes');
    await closeKeyv(keyv); // the database handle is gone: every query now fails
    await expect(keyv.get('present')).rejects.toThrow();
    await expect(keyv.delete('present')).rejects.toThrow();
  });
});

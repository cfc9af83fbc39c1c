import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterSQLite } from 'rate-limiter-flexible';
import sqlite3 from 'sqlite3';
import type { NotionRateLimiter } from '../../core/notion-rate-limit.js';
import { sqlitePath, storeScheme } from '../keyv-factory.js';
import {
  FlexibleNotionRateLimiter,
  type LimiterFactory,
  type NotionRateSettings,
} from './flexible-notion-rate-limiter.js';

export interface OpenedNotionRateLimiter {
  limiter: NotionRateLimiter;
  /** Closes the limiter's own connection (none for memory); safe to call twice. */
  close(): Promise<void>;
}

export interface NotionRateLimiterOptions {
  /** Prefix of the limiter's keys (letters, digits, `_`), so tests on a shared server keep apart. */
  prefix?: string | undefined;
  /** Table of the SQLite and Postgres stores. */
  table?: string | undefined;
  /** sqlite://: count in the file (RateLimiterSQLite) rather than in memory; see the note in the sqlite case. */
  sqliteOnFile?: boolean | undefined;
}

/** Waits for the table a SQL store creates in its constructor (it reports through the callback). */
async function created<T>(make: (cb: (err?: Error) => void) => T): Promise<T> {
  let signal!: (err?: Error) => void;
  const ready = new Promise<void>((resolve, reject) => (signal = (err) => (err ? reject(err) : resolve())));
  const limiter = make((err) => signal(err));
  await ready;
  return limiter;
}

/**
 * The Notion rate limiter on the store STORE_URL names, shared by every instance on it: Redis (its own node-redis
 * client), Postgres (its own small pool), SQLite (its own connection to the same file; RateLimiterSQLite runs on the
 * `sqlite3` driver) or memory (memory://, and sqlite://:memory:, which no other connection can see).
 */
export async function openNotionRateLimiter(
  storeUrl: string,
  settings: NotionRateSettings,
  options: NotionRateLimiterOptions = {},
): Promise<OpenedNotionRateLimiter> {
  const prefix = options.prefix ?? 'notion';
  const table = options.table ?? 'notion_rate_limits';
  if (!/^[A-Za-z0-9_]+$/.test(prefix) || !/^[A-Za-z0-9_]+$/.test(table))
    throw new TypeError('openNotionRateLimiter: bad prefix or table');
  let closed: Promise<void> | undefined;
  const once = (close: () => Promise<void>) => () => (closed ??= close());

  const scheme = storeScheme(storeUrl);
  switch (scheme) {
    case 'redis':
    case 'rediss': {
      // Drivers are loaded only for the store in use (see keyv-factory).
      const { newRedisClient } = await import('../jobs/redis-client.js');
      const client = newRedisClient(storeUrl);
      client.on('error', () => undefined); // failures surface as the next call's error
      await client.connect();
      const factory: LimiterFactory = async (o) =>
        new RateLimiterRedis({ ...o, storeClient: client, useRedisPackage: true });
      return {
        limiter: await FlexibleNotionRateLimiter.create(settings, factory, prefix),
        close: once(async () => {
          if (client.isOpen) await client.close().catch(() => client.destroy());
        }),
      };
    }
    case 'postgres':
    case 'postgresql': {
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({ connectionString: storeUrl, max: 4, connectionTimeoutMillis: 10_000 });
      pool.on('error', () => undefined);
      const factory: LimiterFactory = (o) =>
        created((cb) => new RateLimiterPostgres({ ...o, storeClient: pool, storeType: 'pool', tableName: table }, cb));
      try {
        return {
          limiter: await FlexibleNotionRateLimiter.create(settings, factory, prefix),
          close: once(() => pool.end()),
        };
      } catch (err) {
        await pool.end().catch(() => undefined);
        throw err;
      }
    }
    case 'sqlite': {
      const path = sqlitePath(storeUrl);
      // sqlite:// is the one-instance engine, so counting in memory loses nothing but the counts of a restart. On
      // the file, RateLimiterSQLite's upsert (`get` on an INSERT … RETURNING with the sqlite3 driver) can leave its
      // transaction open: the store's own connection then fails with SQLITE_BUSY under load (the crash e2e test).
      if (path !== ':memory:' && options.sqliteOnFile === true) {
        const db = await new Promise<sqlite3.Database>((resolve, reject) => {
          const opened = new sqlite3.Database(path, (err) => (err ? reject(err) : resolve(opened)));
        });
        db.configure('busyTimeout', 5_000);
        const factory: LimiterFactory = (o) =>
          created((cb) => new RateLimiterSQLite({ ...o, storeClient: db, storeType: 'sqlite3', tableName: table }, cb));
        const close = once(() => new Promise<void>((resolve) => db.close(() => resolve())));
        try {
          return { limiter: await FlexibleNotionRateLimiter.create(settings, factory, prefix), close };
        } catch (err) {
          await close();
          throw err;
        }
      }
      break;
    }
    case 'memory':
      break;
    default:
      throw new TypeError(`openNotionRateLimiter: no limiter for ${scheme}://`);
  }
  const factory: LimiterFactory = async (o) => new RateLimiterMemory(o);
  return {
    limiter: await FlexibleNotionRateLimiter.create(settings, factory, prefix),
    close: once(async () => undefined),
  };
}

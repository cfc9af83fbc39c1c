import sqlite3 from 'sqlite3';

/** Runs one statement with `?` parameters; resolves with the rows it returns. */
export type SqliteQuery = (sql: string, ...params: unknown[]) => Promise<unknown[]>;

/** Idle prepared statements kept per SQL text; more run at once only under load, and are finalized after. */
const IDLE_KEPT_PER_SQL = 8;

/**
 * One sqlite3 connection whose statements stay prepared. `Database#all` prepares, runs and finalizes a new statement
 * on every call: three trips to the driver's thread pool, each a wake-up of a worker thread and a callback on the main
 * one. A kept statement makes a query one trip (the profile's largest item on the save path, issue 13). A statement
 * is lent to one call at a time: node-sqlite3 would queue a second call on a busy statement until the first one's
 * callback has run on the main thread, so under load every query of one kind would wait a turn of the event loop
 * (the ack's claim behind the workers' claims). A busy statement is therefore never shared: a call takes an idle one
 * or prepares another. Every run binds afresh (node-sqlite3 resets first). A statement that failed to prepare or to
 * run is finalized, never reused.
 */
export class SqliteStatements {
  private readonly idle = new Map<string, sqlite3.Statement[]>();
  private readonly lent = new Set<sqlite3.Statement>();

  private constructor(private readonly db: sqlite3.Database) {}

  /** Opens `path` (`:memory:` too) with the busy timeout given. */
  static open(path: string, busyTimeoutMs: number): Promise<SqliteStatements> {
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(path, (err) => {
        if (err) return reject(err);
        db.configure('busyTimeout', busyTimeoutMs);
        resolve(new SqliteStatements(db));
      });
    });
  }

  readonly query: SqliteQuery = async (sql, ...params) => {
    const statement = this.idle.get(sql)?.pop() ?? (await this.prepare(sql));
    this.lent.add(statement);
    return new Promise((resolve, reject) => {
      statement.all(params, (err: Error | null, rows: unknown[]) => {
        this.lent.delete(statement);
        if (err) {
          finalize(statement);
          return reject(err);
        }
        const idle = this.idle.get(sql) ?? [];
        if (idle.length < IDLE_KEPT_PER_SQL) this.idle.set(sql, [...idle, statement]);
        else finalize(statement);
        resolve(rows);
      });
    });
  };

  /** Calls wait for the prepare: node-sqlite3 never answers the calls queued on a statement that failed to prepare. */
  private prepare(sql: string): Promise<sqlite3.Statement> {
    return new Promise((resolve, reject) => {
      const statement = this.db.prepare(sql, (err) => {
        if (!err) return resolve(statement);
        finalize(statement);
        reject(err);
      });
    });
  }

  /** Finalizes the kept statements (sqlite refuses to close a connection that has some), then closes. */
  async close(): Promise<void> {
    const statements = [...this.idle.values()].flat().concat([...this.lent]);
    this.idle.clear();
    this.lent.clear();
    await Promise.all(statements.map((s) => new Promise<void>((resolve) => s.finalize(() => resolve()))));
    await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }
}

/** After the call running on it, if any. */
function finalize(statement: sqlite3.Statement): void {
  statement.finalize(() => undefined);
}

import sqlite3 from 'sqlite3';

/** Runs one statement with `?` parameters; resolves with the rows it returns. */
export type SqliteQuery = (sql: string, ...params: unknown[]) => Promise<unknown[]>;

/** Statements kept prepared at most; the store and the outbox use about twenty distinct ones. */
const KEPT = 128;

/**
 * One sqlite3 connection whose statements stay prepared. `Database#all` prepares, runs and finalizes a new statement
 * on every call: three trips to the driver's thread pool, each a wake-up of a worker thread and a callback on the main
 * one. A kept statement makes a query one trip (the profile's largest item on the save path, issue 13). A statement
 * runs one call at a time and queues the others (node-sqlite3 does), and every run binds afresh (it resets first).
 * A statement that failed to prepare or to run is dropped, so a broken one is never reused.
 */
export class SqliteStatements {
  private readonly statements = new Map<string, Promise<sqlite3.Statement>>();

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
    const prepared = this.prepared(sql);
    const statement = await prepared;
    return new Promise((resolve, reject) => {
      statement.all(params, (err: Error | null, rows: unknown[]) => {
        if (!err) return resolve(rows);
        this.drop(sql, prepared);
        reject(err);
      });
    });
  };

  /** The kept statement for `sql`, prepared now when there is none. A failed prepare is not kept. */
  private prepared(sql: string): Promise<sqlite3.Statement> {
    const kept = this.statements.get(sql);
    if (kept) return kept;
    if (this.statements.size >= KEPT) {
      const [oldest, statement] = this.statements.entries().next().value!;
      this.drop(oldest, statement);
    }
    // Calls wait for the prepare: node-sqlite3 never answers the calls queued on a statement that failed to prepare.
    const prepared = new Promise<sqlite3.Statement>((resolve, reject) => {
      const statement = this.db.prepare(sql, (err) => {
        if (!err) return resolve(statement);
        if (this.statements.get(sql) === prepared) this.statements.delete(sql);
        reject(err);
      });
    });
    this.statements.set(sql, prepared);
    return prepared;
  }

  private drop(sql: string, prepared: Promise<sqlite3.Statement>): void {
    if (this.statements.get(sql) !== prepared) return;
    this.statements.delete(sql);
    // After the calls already queued on it.
    prepared.then((statement) => statement.finalize(() => undefined)).catch(() => undefined);
  }

  /** Finalizes the kept statements (sqlite refuses to close a connection that has some), then closes. */
  async close(): Promise<void> {
    const statements = [...this.statements.values()];
    this.statements.clear();
    const finalize = (s: sqlite3.Statement) => new Promise<void>((resolve) => s.finalize(() => resolve()));
    await Promise.all(statements.map((p) => p.then(finalize, () => undefined)));
    await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }
}

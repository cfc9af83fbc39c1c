import sqlite3 from 'sqlite3';

/** Distinct statements kept (multi-row inserts vary with their row count). */
const MAX_KEPT_SQL = 64;

/**
 * One SQLite connection that keeps its prepared statements. `Database#all`, which @keyv/sqlite calls for every query,
 * prepares, runs and finalizes a new statement: three trips to the driver's threads and ~55 µs of main-thread CPU per
 * query here, against one trip and ~12 µs for a kept statement (measured on this project's 2-core machine). A save
 * makes about ten queries, and each ack waits for two of them.
 *
 * Queries run one at a time, in the order they are made. The driver takes the connection's mutex for a statement's
 * whole run anyway, so a second query in flight only holds another pool thread waiting on that mutex, and on 2 cores
 * those threads' wake-ups take the main thread's CPU: with up to four in flight, the main thread spent twice as long
 * in `Statement#all` (~70 against ~35 µs a query, measured under the benchmark's load).
 */
export class PreparedStatements {
  /** Prepared statements by SQL text, least recently used first. */
  private readonly idle = new Map<string, sqlite3.Statement>();
  /** The queue of queries waiting for the one running to finish (see the class comment). */
  private readonly waiting: (() => void)[] = [];
  private busy = false;
  /** Queries taken and not yet answered: `close` lets them finish. */
  private running = 0;
  private drained: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  private constructor(private readonly db: sqlite3.Database) {}

  static open(path: string, busyTimeoutMs: number): Promise<PreparedStatements> {
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(path, (err) => {
        if (err) return reject(err);
        db.configure('busyTimeout', busyTimeoutMs);
        resolve(new PreparedStatements(db));
      });
    });
  }

  async all(sql: string, params: unknown[]): Promise<unknown[]> {
    if (this.closing) throw new Error('SQLite connection is closed');
    this.running++;
    await this.takeTurn();
    try {
      const statement = this.takeIdle(sql) ?? (await this.prepare(sql));
      return await new Promise((resolve, reject) => {
        // Spread as `Database#all` passes them: one array or object argument is the parameter list itself.
        statement.all(...params, (err: Error | null, rows: unknown[]) => {
          // A failed statement may be left mid-step; a fresh one is prepared next time.
          if (err || !this.keep(sql, statement)) statement.finalize();
          if (err) reject(err);
          else resolve(rows);
        });
      });
    } finally {
      this.passTurn();
      if (--this.running === 0) this.drained?.();
    }
  }

  private async takeTurn(): Promise<void> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy = true;
  }

  private passTurn(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }

  /** Lets running queries finish, finalizes every statement (SQLite will not close with one left), then closes. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.running > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      const statements = [...this.idle.values()];
      this.idle.clear();
      await Promise.all(statements.map((s) => new Promise<void>((resolve) => s.finalize(() => resolve()))));
      await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
    })();
    return this.closing;
  }

  private prepare(sql: string): Promise<sqlite3.Statement> {
    return new Promise((resolve, reject) => {
      const statement = this.db.prepare(sql, (err) => (err ? reject(err) : resolve(statement)));
    });
  }

  private takeIdle(sql: string): sqlite3.Statement | undefined {
    const statement = this.idle.get(sql);
    this.idle.delete(sql);
    return statement;
  }

  /** Keeps the statement for its SQL's next query; false when it is not kept (closing). */
  private keep(sql: string, statement: sqlite3.Statement): boolean {
    if (this.closing) return false;
    this.idle.set(sql, statement);
    if (this.idle.size > MAX_KEPT_SQL) this.evictOldest();
    return true;
  }

  private evictOldest(): void {
    const [sql, statement] = this.idle.entries().next().value as [string, sqlite3.Statement];
    this.idle.delete(sql);
    statement.finalize();
  }
}

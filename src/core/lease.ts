import type { Logger } from '../log.js';

/**
 * Named leases shared by the instances on one store: at most one holder at a time, until it lapses. For work that
 * only one instance may do at once (the Discord gateway: two connected bots would both answer each interaction).
 */
export interface LeaseStore {
  /** Takes `name` for `ttlMs` when no live lease holds it (not even `holder`'s own); true when it took it. */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease by `ttlMs` while `holder` still holds it; false when it lapsed or another took it. */
  renew(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up early (only while `holder` holds it). */
  release(name: string, holder: string): Promise<void>;
}

export interface LeaseHolderOptions {
  leases: LeaseStore;
  name: string;
  /** Random per process. */
  holder: string;
  /** A holder that dies is replaced this long after its last renewal, at most (plus a third of it). */
  ttlMs: number;
  log: Logger;
  /** Start the work: the lease is ours. A throw gives the lease back. */
  onAcquired(): Promise<void>;
  /** Stop the work at once: the lease lapsed or another instance holds it. */
  onLost(): Promise<void>;
}

/**
 * Holds a lease while it can: renews it every third of its TTL, and when the lease is taken or cannot be renewed in
 * time, stops the work (`onLost`) and goes back to trying to acquire it every third of the TTL.
 */
export class LeaseHolder {
  private timer: NodeJS.Timeout | undefined;
  private heldSince: number | undefined;
  private lastRenewed = 0;
  private stopped = false;
  private busy: Promise<void> | undefined;

  constructor(private readonly options: LeaseHolderOptions) {}

  get held(): boolean {
    return this.heldSince !== undefined;
  }

  /**
   * Tries once now: resolves true once the work started, false when another instance holds the lease (this one then
   * stands by). An `onAcquired` failure on this first try is thrown (e.g. a rejected token stops start-up).
   */
  async start(): Promise<boolean> {
    this.stopped = false;
    const got = await this.tryAcquire(true);
    if (!got)
      this.options.log.info(
        { event: 'lease.standby', lease: this.options.name },
        'another instance holds the lease; standing by',
      );
    this.schedule();
    return got;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.busy;
    if (this.heldSince !== undefined) {
      this.heldSince = undefined;
      await this.options.leases.release(this.options.name, this.options.holder).catch(() => undefined);
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.busy = (this.held ? this.renew() : this.tryAcquire(false).then(() => undefined))
          .catch((err: unknown) =>
            this.options.log.warn({ event: 'lease.error', lease: this.options.name, err }, 'lease check failed'),
          )
          .finally(() => {
            this.busy = undefined;
            this.schedule();
          });
      },
      Math.max(10, Math.floor(this.options.ttlMs / 3)),
    );
    this.timer.unref();
  }

  private async tryAcquire(first: boolean): Promise<boolean> {
    const { leases, name, holder, ttlMs, log } = this.options;
    if (!(await leases.acquire(name, holder, ttlMs))) return false;
    this.heldSince = this.lastRenewed = Date.now();
    try {
      await this.options.onAcquired();
    } catch (err) {
      this.heldSince = undefined;
      await leases.release(name, holder).catch(() => undefined);
      if (first) throw err;
      log.error(
        { event: 'lease.start_failed', lease: name, err },
        'took the lease but could not start; giving it back',
      );
      return false;
    }
    if (this.stopped) return true; // stop() releases it
    log.info({ event: 'lease.acquired', lease: name }, first ? 'lease acquired' : 'lease taken over');
    return true;
  }

  private async renew(): Promise<void> {
    const { leases, name, holder, ttlMs, log } = this.options;
    try {
      if (await leases.renew(name, holder, ttlMs)) {
        this.lastRenewed = Date.now();
        return;
      }
    } catch (err) {
      log.warn({ event: 'lease.renew_failed', lease: name, err }, 'could not renew the lease');
      // The store did not answer: keep working only while the lease surely holds. Half the TTL, checked every
      // third: the work stops before the lease lapses and another instance may take it (never two at once).
      if (Date.now() - this.lastRenewed < ttlMs / 2) return;
    }
    this.heldSince = undefined;
    log.warn({ event: 'lease.lost', lease: name }, 'lease lost; stopping the work it guards');
    await this.options.onLost();
  }
}

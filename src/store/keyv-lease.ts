import type { Keyv } from 'keyv';
import { randomBytes } from 'node:crypto';
import { deleteIfValue, setIfAbsent } from './keyv-factory.js';

/** Far longer than the one read and one write a lease covers; it only matters when a holder dies. */
const LEASE_MS = 30_000;
const WAIT_MS = 20;
/** A little over LEASE_MS: a dead holder's lease has expired by then. */
const GIVE_UP_MS = LEASE_MS + 5_000;

export type Leased = <T>(key: string, task: () => Promise<T>) => Promise<T>;

/**
 * Mutual exclusion per key over the store: tasks for one key run one at a time, queued within this
 * process and, across instances sharing the store, by a `lease:<key>` entry taken with set-if-absent
 * under an owner token (so only its holder releases it; a crashed holder's lease expires). Not
 * re-entrant: a task must not take the same key again.
 */
export function createKeyvLease(keyv: Keyv): Leased {
  const queues = new Map<string, Promise<unknown>>();

  async function leased<T>(key: string, task: () => Promise<T>): Promise<T> {
    const lease = `lease:${key}`;
    const owner = randomBytes(16).toString('hex');
    const giveUpAt = Date.now() + GIVE_UP_MS;
    while (!(await setIfAbsent(keyv, lease, owner, LEASE_MS))) {
      if (Date.now() > giveUpAt) throw new Error('the store lease is busy: another instance holds it');
      await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
    }
    try {
      return await task();
    } finally {
      // The task's result stands whatever happens here: an unreleased lease only expires.
      await deleteIfValue(keyv, lease, owner).catch(() => false);
    }
  }

  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = queues.get(key) ?? Promise.resolve();
    const run = () => leased(key, task);
    const next = previous.then(run, run);
    const settled = next.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return next;
  };
}

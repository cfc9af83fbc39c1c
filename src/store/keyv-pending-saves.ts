import type { Keyv } from 'keyv';
import { randomBytes } from 'node:crypto';
import { chatUserKey, type ChatUser } from '../core/chat-user.js';
import type { PendingSave, PendingSaves } from '../core/ports.js';
import { deleteIfValue, setIfAbsent } from './keyv-factory.js';
import { openRecord, sealRecord } from './sealed-records.js';
import type { TokenCipher } from './token-cipher.js';

/** Enough for any realistic backlog; beyond it the oldest are dropped rather than the store growing unbounded. */
const MAX_PENDING = 100;
/** A backlog nobody reconnects for is forgotten after 30 days. */
const PENDING_TTL_MS = 30 * 24 * 60 * 60_000;

/**
 * A lease on one user's list, so another instance's read-modify-write cannot interleave with ours.
 * Far longer than what it covers (a read and a write, or a replay storing at most MAX_PENDING jobs);
 * it only matters when a holder dies.
 */
const LEASE_MS = 60_000;
const LEASE_WAIT_MS = 25;
const LEASE_TRIES = 400;

/** The key prefix of the kept lists (for `rotate-keys`). */
export const PENDING_PREFIX = 'pending:';

/** A kept list as every version wrote it: each entry has the tweet and when it was kept. */
export function isPendingList(value: unknown): value is PendingSave[] {
  return (
    Array.isArray(value) &&
    value.every(
      (s: unknown) =>
        typeof s === 'object' &&
        s !== null &&
        typeof (s as PendingSave).tweet === 'object' &&
        typeof (s as PendingSave).queuedAt === 'string',
    )
  );
}

/**
 * One list per chat user. Keyv has no atomic append, so each read-modify-write runs under a lease:
 * serialized per user within this process, and across instances by the store's set-if-absent.
 * The list holds tweet text and table names, so it is stored encrypted, bound to its store key;
 * a list older versions kept in clear is read as is and written back encrypted with the next change.
 */
export class KeyvPendingSaves implements PendingSaves {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly keyv: Keyv,
    private readonly cipher: TokenCipher,
  ) {}

  /** The kept list; StoreDecryptError when it cannot be read back (not the same as nothing kept). */
  private async list(key: string): Promise<PendingSave[]> {
    const stored: unknown = await this.keyv.get(key);
    if (stored === undefined || stored === null) return [];
    return openRecord(this.cipher, key, stored, isPendingList).value;
  }

  /**
   * Holds `lease:<key>` in the store around `task`, under an owner token so that only this holder
   * releases it; a crashed holder's lease expires after LEASE_MS.
   */
  private async leased<T>(key: string, task: () => Promise<T>): Promise<T> {
    const lease = `lease:${key}`;
    const owner = randomBytes(16).toString('hex');
    for (let tries = 0; !(await setIfAbsent(this.keyv, lease, owner, LEASE_MS)); tries++) {
      if (tries >= LEASE_TRIES) throw new Error('pending saves are busy: another instance holds the lease');
      await new Promise((resolve) => setTimeout(resolve, LEASE_WAIT_MS));
    }
    try {
      return await task();
    } finally {
      // The task's result stands whatever happens here: an unreleased lease only expires.
      await deleteIfValue(this.keyv, lease, owner).catch(() => false);
    }
  }

  private serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = () => this.leased(key, task);
    const next = previous.then(run, run);
    const settled = next.catch(() => undefined);
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return next;
  }

  add(user: ChatUser, save: PendingSave): Promise<number> {
    const key = `${PENDING_PREFIX}${chatUserKey(user)}`;
    return this.serialize(key, async () => {
      const list = [...(await this.list(key)), save].slice(-MAX_PENDING);
      await this.keyv.set(key, sealRecord(this.cipher, key, list), PENDING_TTL_MS);
      return list.length;
    });
  }

  takeAll(
    user: ChatUser,
    hand: (saves: PendingSave[]) => Promise<void>,
    emptied?: () => Promise<void>,
  ): Promise<PendingSave[]> {
    const key = `${PENDING_PREFIX}${chatUserKey(user)}`;
    return this.serialize(key, async () => {
      const list = await this.list(key);
      if (list.length > 0) {
        await hand(list);
        await this.keyv.delete(key);
      }
      await emptied?.();
      return list;
    });
  }
}

import type { Keyv } from 'keyv';
import { createHash } from 'node:crypto';
import type { LeaseStore } from '../core/lease.js';
import { deleteIfValue, renewIfValue, setIfAbsent } from './keyv-factory.js';

/** Leases over Keyv: set-if-absent to take one, compare-and-renew and compare-and-delete by holder (see keyv-factory). */
export class KeyvLeaseStore implements LeaseStore {
  constructor(private readonly keyv: Keyv) {}

  private key(name: string): string {
    return `lease:${createHash('sha256').update(name).digest('hex')}`;
  }

  acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return setIfAbsent(this.keyv, this.key(name), holder, ttlMs);
  }

  renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return renewIfValue(this.keyv, this.key(name), holder, ttlMs);
  }

  async release(name: string, holder: string): Promise<void> {
    await deleteIfValue(this.keyv, this.key(name), holder);
  }
}

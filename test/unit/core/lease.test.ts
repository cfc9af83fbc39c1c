import { afterEach, describe, expect, it } from 'vitest';
import { LeaseHolder, type LeaseStore } from '../../../src/core/lease.js';
import { createLogger } from '../../../src/log.js';
import { closeKeyv, createKeyv } from '../../../src/store/keyv-factory.js';
import { KeyvLeaseStore } from '../../../src/store/keyv-lease-store.js';

const log = createLogger('silent');

async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('LeaseHolder', () => {
  const holders: LeaseHolder[] = [];
  afterEach(async () => {
    for (const h of holders.splice(0)) await h.stop();
  });

  function holder(leases: LeaseStore, name: string, events: string[]) {
    const h = new LeaseHolder({
      leases,
      name: 'gateway',
      holder: name,
      ttlMs: 300,
      log,
      onAcquired: async () => void events.push(`${name} on`),
      onLost: async () => void events.push(`${name} off`),
    });
    holders.push(h);
    return h;
  }

  it('one works while the other stands by; a holder cut off from the store stops, and the other takes over', async () => {
    const keyv = await createKeyv('memory://');
    const store = new KeyvLeaseStore(keyv);
    let cutOff = false;
    // A's view of the store: after the cut, every call fails (a partitioned or frozen process).
    const viaA: LeaseStore = {
      acquire: (...a) => (cutOff ? Promise.reject(new Error('down')) : store.acquire(...a)),
      renew: (...a) => (cutOff ? Promise.reject(new Error('down')) : store.renew(...a)),
      release: (...a) => (cutOff ? Promise.reject(new Error('down')) : store.release(...a)),
    };
    const events: string[] = [];
    await expect(holder(viaA, 'A', events).start()).resolves.toBe(true);
    await expect(holder(store, 'B', events).start()).resolves.toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 700)); // renewals keep A on, B off
    expect(events).toEqual(['A on']);
    cutOff = true;
    await eventually(() => events.length === 3, 'A to stop and B to take over');
    expect(events).toEqual(['A on', 'A off', 'B on']);
    await closeKeyv(keyv);
  });

  it('gives the lease back when the work cannot start, and throws on the first try', async () => {
    const keyv = await createKeyv('memory://');
    const store = new KeyvLeaseStore(keyv);
    const failing = new LeaseHolder({
      leases: store,
      name: 'gateway',
      holder: 'A',
      ttlMs: 10_000,
      log,
      onAcquired: () => Promise.reject(new Error('token rejected')),
      onLost: async () => undefined,
    });
    holders.push(failing);
    await expect(failing.start()).rejects.toThrow('token rejected');
    await failing.stop();
    await expect(store.acquire('gateway', 'B', 10_000)).resolves.toBe(true);
    await closeKeyv(keyv);
  });
});

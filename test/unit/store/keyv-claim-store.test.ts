import type { Keyv } from 'keyv';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyvClaimStore } from '../../../src/store/keyv-claim-store.js';
import { closeKeyv, createKeyv } from '../../../src/store/keyv-factory.js';

describe('KeyvClaimStore', () => {
  let keyv: Keyv;
  afterEach(async () => {
    await closeKeyv(keyv);
  });

  it('lets exactly one of many concurrent claims of a key win, and a released key be claimed again', async () => {
    keyv = await createKeyv('memory://');
    const claims = new KeyvClaimStore({ keyv });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => claims.claim('reconnect-dm:slack:T1:U1', 60_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await claims.claim('reconnect-dm:slack:T1:U1', 60_000)).toBe(false);
    expect(await claims.claim('another key', 60_000)).toBe(true);
    await claims.release('reconnect-dm:slack:T1:U1');
    expect(await claims.claim('reconnect-dm:slack:T1:U1', 60_000)).toBe(true);
  });
});

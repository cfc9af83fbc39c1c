import { describe, expect, it } from 'vitest';
import { keepSave, releaseKept, type KeptSave } from '../../../src/core/kept-saves.js';
import type { PendingSave } from '../../../src/core/ports.js';
import { memoryClaims, memoryPending, sam } from './fakes.js';

const AT = '2025-03-04T05:06:07.000Z';
const jack = { id: '20', url: 'https://x.com/jack/status/20', handle: 'jack' };
/** A save kept for the first time (no replay holds its claim). */
const fresh = (save: KeptSave) => ({ save, claimHeld: false });

describe('keepSave', () => {
  it('keeps a save once per tweet, table and kind; other tables and "Save again" are other saves', async () => {
    const deps = { claims: memoryClaims(), pendingSaves: memoryPending() };
    expect(await keepSave(deps, sam, fresh({ tweet: jack }), AT)).toBe(1);
    // The same tweet again, with text this time: still the same tweet (its id).
    expect(
      await keepSave(deps, sam, fresh({ tweet: { ...jack, text: 'just setting up my twttr' } }), AT),
    ).toBeUndefined();
    expect(await keepSave(deps, sam, fresh({ tweet: jack, tableName: 'Reading' }), AT)).toBe(2);
    expect(await keepSave(deps, sam, fresh({ tweet: jack, tableName: ' reading ' }), AT)).toBeUndefined();
    expect(await keepSave(deps, sam, fresh({ tweet: jack, dataSourceId: 'ds-1', force: true }), AT)).toBe(3);
    expect(await keepSave(deps, { ...sam, userId: 'U2' }, fresh({ tweet: jack }), AT)).toBe(4);
    expect(deps.pendingSaves.list).toHaveLength(4);
  });

  it('taken for a replay, it is not kept again until its job ends; the job itself may keep it again', async () => {
    const deps = { claims: memoryClaims(), pendingSaves: memoryPending() };
    await keepSave(deps, sam, fresh({ tweet: jack }), AT);
    const taken: PendingSave[] = await deps.pendingSaves.takeAll(sam, async () => undefined);
    // Sent again while its replayed job runs: it already waits (in that job).
    expect(await keepSave(deps, sam, fresh({ tweet: jack }), AT)).toBeUndefined();
    // The replayed job cannot land yet: it keeps its save again under the claim it holds.
    expect(await keepSave(deps, sam, { save: taken[0]!, claimHeld: true }, AT)).toBe(1);
    await deps.pendingSaves.takeAll(sam, async () => undefined);
    await releaseKept(deps.claims, sam, taken);
    expect(await keepSave(deps, sam, fresh({ tweet: jack }), AT)).toBe(1);
  });

  it('a store that fails to keep it leaves nothing claimed, so the next try keeps it', async () => {
    const claims = memoryClaims();
    const failing = { add: async () => Promise.reject(new Error('store down')), takeAll: async () => [] };
    await expect(keepSave({ claims, pendingSaves: failing }, sam, fresh({ tweet: jack }), AT)).rejects.toThrow(
      'store down',
    );
    expect(claims.held.size).toBe(0);
    expect(await keepSave({ claims, pendingSaves: memoryPending() }, sam, fresh({ tweet: jack }), AT)).toBe(1);
  });
});

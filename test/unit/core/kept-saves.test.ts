import { describe, expect, it } from 'vitest';
import { keepSave, releaseKept } from '../../../src/core/kept-saves.js';
import type { PendingSave } from '../../../src/core/ports.js';
import { memoryClaims, memoryPending, sam } from './fakes.js';

const AT = '2025-03-04T05:06:07.000Z';
const jack = { id: '20', url: 'https://x.com/jack/status/20', handle: 'jack' };

describe('keepSave', () => {
  it('keeps a save once per tweet, table and kind; other tables and "Save again" are other saves', async () => {
    const deps = { claims: memoryClaims(), pendingSaves: memoryPending() };
    expect(await keepSave(deps, sam, { tweet: jack, queuedAt: AT })).toBe(1);
    // The same tweet again, with text this time: still the same tweet (its id).
    expect(
      await keepSave(deps, sam, { tweet: { ...jack, text: 'just setting up my twttr' }, queuedAt: AT }),
    ).toBeUndefined();
    expect(await keepSave(deps, sam, { tweet: jack, tableName: 'Reading', queuedAt: AT })).toBe(2);
    expect(await keepSave(deps, sam, { tweet: jack, tableName: ' reading ', queuedAt: AT })).toBeUndefined();
    expect(await keepSave(deps, sam, { tweet: jack, dataSourceId: 'ds-1', force: true, queuedAt: AT })).toBe(3);
    expect(await keepSave(deps, { ...sam, userId: 'U2' }, { tweet: jack, queuedAt: AT })).toBe(4);
    expect(deps.pendingSaves.list).toHaveLength(4);
  });

  it('taken for a replay, it is not kept again until its job ends; the job itself may keep it again', async () => {
    const deps = { claims: memoryClaims(), pendingSaves: memoryPending() };
    await keepSave(deps, sam, { tweet: jack, queuedAt: AT });
    const taken: PendingSave[] = await deps.pendingSaves.takeAll(sam, async () => undefined);
    // Sent again while its replayed job runs: it already waits (in that job).
    expect(await keepSave(deps, sam, { tweet: jack, queuedAt: AT })).toBeUndefined();
    // The replayed job cannot land yet: it keeps its save again under the claim it holds.
    expect(await keepSave(deps, sam, { ...taken[0]!, queuedAt: AT }, { claimHeld: true })).toBe(1);
    await deps.pendingSaves.takeAll(sam, async () => undefined);
    await releaseKept(deps.claims, sam, taken);
    expect(await keepSave(deps, sam, { tweet: jack, queuedAt: AT })).toBe(1);
  });

  it('a store that fails to keep it leaves nothing claimed, so the next try keeps it', async () => {
    const claims = memoryClaims();
    const failing = { add: async () => Promise.reject(new Error('store down')), takeAll: async () => [] };
    await expect(keepSave({ claims, pendingSaves: failing }, sam, { tweet: jack, queuedAt: AT })).rejects.toThrow(
      'store down',
    );
    expect(claims.held.size).toBe(0);
    expect(await keepSave({ claims, pendingSaves: memoryPending() }, sam, { tweet: jack, queuedAt: AT })).toBe(1);
  });
});

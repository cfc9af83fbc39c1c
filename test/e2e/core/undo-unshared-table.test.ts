import { beforeEach, describe, expect, it } from 'vitest';
import type { SaveOutcome } from '../../../src/core/outcomes.js';
import { completeConnect } from '../../helpers/connect-flow.js';
import { JACK as LINK, sam, WITH_TEXT } from '../../helpers/fixtures.js';
import { useCoreWorld } from '../../helpers/use-world.js';

/**
 * Undo against the emulated Notion when Notion answers 404 for the row: that is a deleted row when
 * the row's table is still shared, and a row the connection can no longer see when it is not.
 */
describe('Undo of a row Notion does not show', () => {
  const w = useCoreWorld({ table: { title: 'Twitter', properties: WITH_TEXT } });
  let inspiration: { dataSourceId: string; databaseId: string };

  beforeEach(() => {
    inspiration = w.notion.addTable(w.acme.id, { title: 'Inspiration', properties: WITH_TEXT });
  });

  const core = () => w.product.app.core;
  const save = async (text: string): Promise<SaveOutcome> =>
    await core().saveResult(await core().saveTweet(sam, { text }));

  async function connect(opts: Parameters<typeof completeConnect>[2] = {}) {
    expect((await completeConnect((await core().connectUser(sam)).url, w.notion, opts)).status).toBe(200);
    await core().idle();
  }

  it('its table left out on reconnect: "can\'t reach", the save stays known; shared again, the tweet is not saved twice and Undo works', async () => {
    await connect();
    await core().chooseTarget(sam, w.table.dataSourceId);
    const saved = await save(LINK);
    const other = await save('@naval Play long-term games');
    if (saved.kind !== 'saved' || other.kind !== 'saved') throw new Error(`${saved.kind} ${other.kind}`);

    // The user reconnects and ticks only Inspiration.
    await connect({ share: [inspiration.databaseId] });
    const undo = await core().undoSave(sam, saved.pageId);
    expect(undo).toEqual({
      kind: 'unreachable',
      table: 'Twitter',
      connectUrl: expect.stringMatching(/\/oauth\/notion\/start\?t=[A-Za-z0-9_-]{43}$/),
    });
    expect(w.notion.rows(w.table.dataSourceId).map((r) => r.inTrash)).toEqual([false, false]);

    // Shared again and chosen: the duplicate guard still knows the row, and Undo reaches it.
    await connect();
    await core().chooseTarget(sam, w.table.dataSourceId);
    expect(await save(LINK)).toMatchObject({ kind: 'already_saved', pageId: saved.pageId, table: 'Twitter' });
    expect(await core().undoSave(sam, saved.pageId)).toMatchObject({
      kind: 'removed',
      table: 'Twitter',
      tweet: { handle: 'jack' },
    });
    expect(w.notion.rows(w.table.dataSourceId).map((r) => [r.id, r.inTrash])).toEqual([
      [saved.pageId, true],
      [other.pageId, false],
    ]);
    expect(w.notion.rows(inspiration.dataSourceId)).toEqual([]);
  });

  it('a row deleted for good while its table is shared: "already deleted", and the tweet can be saved again', async () => {
    await connect();
    await core().chooseTarget(sam, w.table.dataSourceId);
    const saved = await save(LINK);
    if (saved.kind !== 'saved') throw new Error(saved.kind);
    w.notion.deleteRow(saved.pageId);

    expect(await core().undoSave(sam, saved.pageId)).toEqual({ kind: 'already_deleted', table: 'Twitter' });
    expect(await core().undoSave(sam, saved.pageId)).toEqual({ kind: 'not_found' });
    expect(await save(LINK)).toMatchObject({ kind: 'saved', table: 'Twitter' });
    expect(w.notion.rows(w.table.dataSourceId)).toHaveLength(1);
  });

  it('asks about the table only when Notion answered 404 for the row', async () => {
    await connect();
    await core().chooseTarget(sam, w.table.dataSourceId);
    const saved = await save(LINK);
    if (saved.kind !== 'saved') throw new Error(saved.kind);
    const before = w.notion.requests.length;
    expect(await core().undoSave(sam, saved.pageId)).toMatchObject({ kind: 'removed' });
    expect(w.notion.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, ':id')}`)).toEqual(
      ['GET /v1/pages/:id', 'PATCH /v1/pages/:id'],
    );
  });
});

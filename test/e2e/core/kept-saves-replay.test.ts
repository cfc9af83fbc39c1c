import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteQueryOf } from '../../../src/store/jobs/sqlite-save-job-queue.js';
import { closeKeyv, createKeyv } from '../../../src/store/keyv-factory.js';
import { completeConnect } from '../../helpers/connect-flow.js';
import { answersSince } from '../../helpers/core-notices.js';
import { JACK, NAVAL_LINK, sam, WITH_TEXT } from '../../helpers/fixtures.js';
import { useCoreWorld } from '../../helpers/use-world.js';
import { tempDir } from '../../unit/store/helpers.js';

const TWEETS = [JACK, NAVAL_LINK, 'https://x.com/jack/status/21'];

/**
 * Issue 12, "nothing acknowledged is lost": saves kept while no table can take them replay as save jobs in the SQLite
 * outbox of the store, once a table is ready; each lands once and is answered by DM like any save.
 */
describe('kept saves replay as durable jobs (sqlite://)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let storeUrl: string;
  beforeEach(async () => {
    dir = await tempDir();
    storeUrl = `sqlite://${join(dir.path, 'store.sqlite')}`;
  });
  afterEach(async () => {
    await dir.remove();
  });
  const w = useCoreWorld(() => ({
    table: { title: 'Twitter', properties: WITH_TEXT },
    env: { STORE_URL: storeUrl, TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
  }));
  const core = () => w.product.app.core;

  async function connect(share: string[]) {
    expect((await completeConnect((await core().connectUser(sam)).url, w.notion, { share })).status).toBe(200);
    await core().idle();
  }

  /** The rows of the outbox table, read through a connection of this test's own. */
  async function outbox(): Promise<{ key: string; state: string }[]> {
    const keyv = await createKeyv(storeUrl);
    try {
      return (await sqliteQueryOf(keyv)('SELECT key, state FROM save_jobs')) as { key: string; state: string }[];
    } finally {
      await closeKeyv(keyv);
    }
  }

  it('three saves sent while no table is shared land once each after the reconnect shares one, each answered', async () => {
    await connect(['']);
    for (const text of TWEETS) {
      expect(await core().saveResult(await core().saveTweet(sam, { text }))).toEqual({
        kind: 'needs_table',
        status: { kind: 'none_shared' },
        kept: true,
      });
    }
    await core().idle();
    const mark = w.notices.saveResults.length;

    await connect([w.table.databaseId]);
    const answers = w.notices.saveResults.slice(mark);
    expect(answers.map((a) => a.replyTo)).toEqual([{ kind: 'dm' }, { kind: 'dm' }, { kind: 'dm' }]);
    const rows = w.notion.rows(w.table.dataSourceId);
    expect(rows.map((r) => (r.properties.Link as { url: string }).url).sort()).toEqual([...TWEETS].sort());
    // Each answer is the standard "Saved" of its own row (the adapters add Undo and Add note to it).
    expect(
      answersSince(w.notices, mark)
        .map((o) => (o.kind === 'saved' ? o.pageId : o.kind))
        .sort(),
    ).toEqual(rows.map((r) => r.id).sort());
    const kept = (await outbox()).filter((j) => j.key.includes(':kept.'));
    expect(kept.map((j) => j.state)).toEqual(['done', 'done', 'done']);

    // Nothing waits any more: another look and another pick replay nothing, and nobody is told again.
    await core().connectionStatus(sam);
    await core().chooseTarget(sam, w.table.dataSourceId);
    await core().idle();
    expect(answersSince(w.notices, mark)).toHaveLength(3);
    expect(w.notion.rows(w.table.dataSourceId)).toHaveLength(3);
  });
});

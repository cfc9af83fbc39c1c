import type { Keyv } from 'keyv';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatUser } from '../../../../src/core/chat-user.js';
import { createCore } from '../../../../src/core/create-core.js';
import { keepSave } from '../../../../src/core/kept-saves.js';
import type { SaveOutcome } from '../../../../src/core/outcomes.js';
import type { NotionGateway, PendingSave, PendingSaves } from '../../../../src/core/ports.js';
import type { ReplyTo, SaveJob, SaveJobQueue } from '../../../../src/core/save-jobs.js';
import { createUseCaseContext } from '../../../../src/core/use-cases/context.js';
import { createReplayKeptSaves, keptSaveJob } from '../../../../src/core/use-cases/replay-kept-saves.js';
import { createJobCodec } from '../../../../src/store/jobs/job-codec.js';
import { MemorySaveJobQueue } from '../../../../src/store/jobs/memory-save-job-queue.js';
import { sqliteQueryOf, SqliteSaveJobQueue } from '../../../../src/store/jobs/sqlite-save-job-queue.js';
import { closeKeyv, createKeyv } from '../../../../src/store/keyv-factory.js';
import { createTokenCipher } from '../../../../src/store/token-cipher.js';
import { newKey, tempDir } from '../../store/helpers.js';
import {
  liveConnection,
  memoryClaims,
  memoryConnections,
  memoryIndex,
  memoryPending,
  recordingNotifier,
  sam,
  silent,
} from '../fakes.js';

const TARGET = { dataSourceId: 'ds-1', title: 'Tweets', mapping: { title: 'Handle', text: 'Tweet', link: 'Link' } };
const KEPT_AT = '2026-01-01T00:00:00.000Z';
const REPLAY_AT = new Date('2026-01-02T00:00:00.000Z');
const tweet = (id: string) => ({ id, url: `https://x.com/jack/status/${id}`, handle: 'jack', text: `tweet ${id}` });
/** Three kept saves: a plain one, one for a named table, and a "Save again" of a row in the default table. */
const KEPT: PendingSave[] = [
  { tweet: tweet('20'), queuedAt: KEPT_AT },
  { tweet: tweet('21'), tableName: 'Tweets', comment: 'for later', tags: ['ai'], queuedAt: '2026-01-01T00:00:01.000Z' },
  { tweet: tweet('22'), dataSourceId: 'ds-1', force: true, queuedAt: '2026-01-01T00:00:02.000Z' },
];

/** The table as Notion has it: rows with their link and creation time, found again by link (findRowByTweet). */
function tableNotion(clock: { now: Date }) {
  const rows: { pageId: string; url: string; link: string | undefined; createdAt: string }[] = [];
  const gateway: Partial<NotionGateway> = {
    listTables: async () => [TARGET],
    createRow: async (_token, _target, row) => {
      const pageId = `p${rows.length + 1}`;
      const url = `https://www.notion.so/${pageId}`;
      rows.push({ pageId, url, link: row.link, createdAt: clock.now.toISOString() });
      return { pageId, url };
    },
    findRowByTweet: async (_token, _target, t, since) => {
      const row = rows.find((r) => r.link === t.url && r.createdAt >= since);
      return row && { pageId: row.pageId, url: row.url };
    },
  };
  return { rows, gateway: gateway as NotionGateway };
}

/** What persists across a process's death: the stores, Notion. Each `process` is a new core over them. */
function world() {
  const clock = { now: REPLAY_AT };
  const notion = tableNotion(clock);
  const shared = {
    connections: memoryConnections(liveConnection('T1', { target: TARGET, pendingSince: KEPT_AT })),
    claims: memoryClaims(),
    saveIndex: memoryIndex(),
    pendingSaves: memoryPending(),
  };
  for (const save of KEPT) shared.pendingSaves.list.push(save);
  const answers: { replyTo: ReplyTo; outcome: SaveOutcome }[] = [];
  function process(jobs: SaveJobQueue, pendingSaves: PendingSaves = shared.pendingSaves) {
    const core = createCore({
      ...shared,
      pendingSaves,
      notion: notion.gateway,
      linkTokens: { put: async () => undefined, peek: async () => undefined, take: async () => undefined },
      liveLinks: { get: async () => undefined, set: async () => undefined },
      tweetProviders: { lookup: async () => undefined },
      jobs,
      log: silent,
      publicUrl: () => 'https://bot.example',
      now: () => clock.now,
      // Fair use refuses every typed save: a replay must get through anyway.
      commandLimiter: { take: async () => 60_000 },
    });
    core.registerNotifier('slack', {
      ...recordingNotifier(),
      deliverSaveResult: async (replyTo, _user, outcome) => void answers.push({ replyTo, outcome }),
    });
    return core;
  }
  return { clock, notion, shared, answers, process };
}

/** Keys `add`ed to a queue, in order, whether or not the queue ignored them. */
function recordingKeys<Q extends SaveJobQueue>(queue: Q): Q & { keys: string[] } {
  const keys: string[] = [];
  const add = queue.add.bind(queue);
  return Object.assign(queue, {
    keys,
    add: async (job: SaveJob) => {
      keys.push(job.key);
      await add(job);
    },
  });
}

/** A kept list whose process dies after `hand` stored the jobs, before the list is deleted. */
function dyingAfterHand(pending: PendingSaves): PendingSaves {
  return {
    add: (user, save) => pending.add(user, save),
    async takeAll(user: ChatUser, hand: (saves: PendingSave[]) => Promise<void>) {
      let taken: PendingSave[] = [];
      await pending.takeAll(user, async (saves) => {
        taken = saves;
        await hand(saves);
        throw new Error('killed');
      });
      return taken;
    },
  };
}

const replyKinds = (answers: { replyTo: ReplyTo }[]) => answers.map((a) => a.replyTo.kind);

describe('replaying kept saves', () => {
  it('stores one DM-answered job per kept save, keyed by the entry, before the list and the mark go', async () => {
    const connections = memoryConnections(liveConnection('T1', { target: TARGET, pendingSince: KEPT_AT }));
    const pendingSaves = memoryPending();
    for (const save of KEPT) pendingSaves.list.push(save);
    const claims = memoryClaims();
    const ctx = createUseCaseContext({
      connections,
      claims,
      pendingSaves,
      saveIndex: memoryIndex(),
      notion: {} as NotionGateway,
      linkTokens: { put: async () => undefined, peek: async () => undefined, take: async () => undefined },
      liveLinks: { get: async () => undefined, set: async () => undefined },
      tweetProviders: { lookup: async () => undefined },
      log: silent,
      publicUrl: () => 'https://bot.example',
      now: () => REPLAY_AT,
    });
    const stored: SaveJob[] = [];
    const replay = createReplayKeptSaves(ctx, async (job) => {
      // Each job is stored while the whole list and the mark are still there.
      expect(pendingSaves.list).toHaveLength(3);
      expect(connections.current()?.pendingSince).toBe(KEPT_AT);
      stored.push(job);
    });
    await replay.replay(sam);

    expect(stored).toEqual(KEPT.map((save) => keptSaveJob(sam, save, REPLAY_AT.toISOString())));
    expect(stored[1]).toMatchObject({
      user: sam,
      tweet: tweet('21'),
      tableName: 'Tweets',
      comment: 'for later',
      tags: ['ai'],
      replyTo: { kind: 'dm' },
      acceptedAt: REPLAY_AT.toISOString(),
      keptAt: '2026-01-01T00:00:01.000Z',
    });
    expect(stored[2]).toMatchObject({ dataSourceId: 'ds-1', force: true });
    // The entry alone makes the key: the same entry replayed later (another time, process) gets the same one.
    expect(keptSaveJob(sam, KEPT[0]!, '2030-01-01T00:00:00.000Z').key).toBe(stored[0]!.key);
    expect(new Set(stored.map((j) => j.key)).size).toBe(3);
    expect(keptSaveJob({ ...sam, userId: 'U2' }, KEPT[0]!, KEPT_AT).key).not.toBe(stored[0]!.key);
    expect(pendingSaves.list).toEqual([]);
    expect(connections.current()).not.toHaveProperty('pendingSince');
  });

  it('a job that cannot be stored leaves the list and the mark; the next replay stores the same keys', async () => {
    const w = world();
    const failing = new MemorySaveJobQueue();
    let adds = 0;
    const add = failing.add.bind(failing);
    failing.add = async (job) => {
      if (++adds === 2) throw new Error('queue unreachable');
      await add(job);
    };
    const first = recordingKeys(failing);
    const one = w.process(first);
    await one.connectionStatus(sam);
    await one.settleBackground();
    expect(w.shared.pendingSaves.list).toEqual(KEPT);
    expect(w.shared.connections.current()?.pendingSince).toBe(KEPT_AT);
    await first.stop(0);

    const second = recordingKeys(new MemorySaveJobQueue());
    const two = w.process(second);
    await second.start(two.saveJobHandler);
    await two.connectionStatus(sam);
    await two.idle();
    expect(first.keys).toHaveLength(2);
    expect(second.keys).toHaveLength(3);
    expect(second.keys.slice(0, 2)).toEqual(first.keys);
    expect(w.notion.rows.map((r) => r.link).sort()).toEqual(KEPT.map((s) => s.tweet.url));
    expect(w.shared.pendingSaves.list).toEqual([]);
    expect(w.shared.connections.current()).not.toHaveProperty('pendingSince');
    await second.stop(0);
  });

  it('is not refused by fair use: typed saves get "slow down", the kept ones land and are each answered by DM', async () => {
    const w = world();
    const jobs = new MemorySaveJobQueue();
    const core = w.process(jobs);
    await jobs.start(core.saveJobHandler);
    expect(await core.saveResult(await core.saveTweet(sam, { text: tweet('30').url }))).toMatchObject({
      kind: 'slow_down',
    });
    await core.connectionStatus(sam);
    await core.idle();

    expect(replyKinds(w.answers)).toEqual(['dm', 'dm', 'dm']);
    expect(w.answers.map((a) => [a.outcome.kind, 'tweet' in a.outcome && a.outcome.tweet?.id]).sort()).toEqual([
      ['saved', '20'],
      ['saved', '21'],
      ['saved', '22'],
    ]);
    expect(w.notion.rows).toHaveLength(3);
    await jobs.stop(0);
  });

  it("keeps each save's claim until its job ends: the same tweet sent meanwhile is not kept a second time", async () => {
    const w = world();
    // Kept the way the worker keeps them (claimed), rather than put in the list as is.
    w.shared.pendingSaves.list.splice(0);
    for (const save of KEPT) await keepSave(w.shared, sam, { save, claimHeld: false }, save.queuedAt);
    const jobs = new MemorySaveJobQueue();
    const core = w.process(jobs);
    await core.connectionStatus(sam);
    await core.settleBackground();
    expect(w.shared.pendingSaves.list).toEqual([]);
    // The jobs are stored, not run yet: the "Save again" sent again is already on its way.
    const again = { ...KEPT[2]!, queuedAt: '2026-01-02T00:00:01.000Z' };
    expect(await keepSave(w.shared, sam, { save: again, claimHeld: false }, again.queuedAt)).toBeUndefined();
    expect(w.shared.pendingSaves.list).toEqual([]);

    await jobs.start(core.saveJobHandler);
    await core.idle();
    expect(w.notion.rows).toHaveLength(3);
    // Each landed and released its claim: a later keep of the same save is a new one.
    expect(await keepSave(w.shared, sam, { save: again, claimHeld: false }, again.queuedAt)).toBe(1);
    await jobs.stop(0);
  });

  describe('a process that dies after storing the jobs, before deleting the list', () => {
    let dir: Awaited<ReturnType<typeof tempDir>>;
    const open: Keyv[] = [];
    const codec = createJobCodec(createTokenCipher([newKey()]));
    beforeEach(async () => {
      dir = await tempDir();
    });
    afterEach(async () => {
      for (const keyv of open.splice(0)) await closeKeyv(keyv);
      await dir.remove();
    });
    /** The SQLite outbox as one process opens it: its own connection to the file. */
    async function outbox() {
      const keyv = await createKeyv(`sqlite://${join(dir.path, 'jobs.sqlite')}`);
      open.push(keyv);
      return recordingKeys(
        new SqliteSaveJobQueue({ query: sqliteQueryOf(keyv), codec, leaseMs: 600, pollMs: 50, table: 'save_jobs' }),
      );
    }

    it('leaves list and mark; after the restart the same keys are added again and each row lands once', async () => {
      const w = world();
      // The first process stores the jobs and dies before it ran any of them or deleted the list.
      const before = await outbox();
      const one = w.process(before, dyingAfterHand(w.shared.pendingSaves));
      await one.connectionStatus(sam);
      await one.settleBackground();
      expect(before.keys).toHaveLength(3);
      expect(await before.stats()).toMatchObject({ waiting: 3 });
      expect(w.shared.pendingSaves.list).toEqual(KEPT);
      expect(w.shared.connections.current()?.pendingSince).toBe(KEPT_AT);
      await before.stop(0);

      const after = await outbox();
      const two = w.process(after);
      await after.start(two.saveJobHandler);
      await two.connectionStatus(sam);
      await two.idle();
      expect(after.keys).toEqual(before.keys);
      expect(w.notion.rows.map((r) => r.link).sort()).toEqual(KEPT.map((s) => s.tweet.url));
      expect(replyKinds(w.answers)).toEqual(['dm', 'dm', 'dm']);
      expect(w.answers.map((a) => a.outcome.kind)).toEqual(['saved', 'saved', 'saved']);
      expect(w.shared.pendingSaves.list).toEqual([]);
      expect(w.shared.connections.current()).not.toHaveProperty('pendingSince');
      await after.stop(0);
    });

    it('even when the queue has forgotten the keys, a job of the same key finds its row instead of writing one', async () => {
      const w = world();
      // The first process ran the jobs (the rows landed) and died before deleting the list.
      const first = recordingKeys(new MemorySaveJobQueue());
      const one = w.process(first, dyingAfterHand(w.shared.pendingSaves));
      await first.start(one.saveJobHandler);
      await one.connectionStatus(sam);
      await one.idle();
      expect(w.notion.rows).toHaveLength(3);
      expect(w.shared.pendingSaves.list).toEqual(KEPT);
      // A landed save replayed the (still marked) list again meanwhile: the same keys, which the queue ignored.
      const keys = [...new Set(first.keys)];
      expect(keys).toHaveLength(3);
      await first.stop(0);

      // Later, on a queue that no longer remembers them: the same keys run again, the "Save again" too.
      w.clock.now = new Date(REPLAY_AT.getTime() + 2 * 60 * 60_000);
      const second = recordingKeys(new MemorySaveJobQueue());
      const two = w.process(second);
      await second.start(two.saveJobHandler);
      await two.connectionStatus(sam);
      await two.idle();
      expect([...new Set(second.keys)]).toEqual(keys);
      expect(w.notion.rows).toHaveLength(3);
      // Each answered again, "Saved" with the row its first run wrote.
      const pages = w.answers.slice(3).map((a) => (a.outcome.kind === 'saved' ? a.outcome.pageId : a.outcome.kind));
      expect(pages.sort()).toEqual(['p1', 'p2', 'p3']);
      expect(w.shared.pendingSaves.list).toEqual([]);
      await second.stop(0);
    });
  });
});

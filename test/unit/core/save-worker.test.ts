import { describe, expect, it } from 'vitest';
import { NotionRateLimitedError } from '../../../src/core/errors.js';
import type { NotionRateLimiter } from '../../../src/core/notion-rate-limit.js';
import type { NotionGateway } from '../../../src/core/ports.js';
import { RetryLaterError } from '../../../src/core/save-jobs.js';
import { createSaveWorker, type SaveJob } from '../../../src/core/save-worker.js';
import { createUseCaseContext } from '../../../src/core/use-cases/context.js';
import { liveConnection, memoryClaims, memoryConnections, memoryIndex, memoryPending, sam, silent } from './fakes.js';

const TARGET = { dataSourceId: 'ds-1', title: 'Tweets', mapping: { title: 'Handle', text: 'Tweet', link: 'Link' } };
const tweet = { id: '20', url: 'https://x.com/jack/status/20', handle: 'jack', text: 'just setting up my twttr' };
const job: SaveJob = { key: 'save:slack:T1:U1:default:20:once:n1', acceptedAt: '2026-01-01T00:00:00.000Z', tweet };

function setup(
  notion: Partial<NotionGateway>,
  limiter?: NotionRateLimiter,
  shared: { claims?: ReturnType<typeof memoryClaims>; saveIndex?: ReturnType<typeof memoryIndex> } = {},
) {
  const claims = shared.claims ?? memoryClaims();
  const saveIndex = shared.saveIndex ?? memoryIndex();
  const ctx = createUseCaseContext({
    connections: memoryConnections(liveConnection('T1', { target: TARGET })),
    linkTokens: { put: async () => undefined, peek: async () => undefined, take: async () => undefined },
    liveLinks: { get: async () => undefined, set: async () => undefined },
    claims,
    saveIndex,
    pendingSaves: memoryPending(),
    notion: notion as NotionGateway,
    tweetProviders: { lookup: async () => undefined },
    log: silent,
    publicUrl: () => 'https://bot.example',
    now: () => new Date('2026-01-01T00:00:05.000Z'),
  });
  const worker = createSaveWorker({ ...ctx, replayKept: () => undefined, limiter });
  return { worker, claims, saveIndex };
}

describe('save worker: exactly once', () => {
  it('the first delivery marks the attempt and writes; a second delivery of the same job finds that row instead of writing', async () => {
    const created: string[] = [];
    const looked: string[] = [];
    const notion: Partial<NotionGateway> = {
      createRow: async () => {
        created.push('row');
        // The write reached Notion, but its answer is lost (crash, timeout).
        throw new Error('socket hang up');
      },
      findRowByTweet: async (_token, target, t, since) => {
        looked.push(`${target.dataSourceId}:${t.url}:${since}`);
        return { pageId: 'p-1', url: 'https://www.notion.so/p1' };
      },
    };
    const { worker, claims, saveIndex } = setup(notion);
    // Not a verdict on the save: the handler makes the job wait.
    await expect(worker.save(sam, job)).rejects.toThrow('socket hang up');
    expect(claims.held.has(`attempt:${job.key}`)).toBe(true);
    expect(await worker.save(sam, job)).toMatchObject({ kind: 'saved', pageId: 'p-1', table: 'Tweets' });
    expect(created).toEqual(['row']);
    expect(looked).toEqual([`ds-1:${tweet.url}:${job.acceptedAt}`]);
    expect(saveIndex.records).toHaveLength(1);
  });

  it('a second delivery that finds no row writes it', async () => {
    let calls = 0;
    const notion: Partial<NotionGateway> = {
      createRow: async () =>
        ++calls === 1 ? Promise.reject(new Error('timeout')) : { pageId: 'p-2', url: 'https://www.notion.so/p2' },
      findRowByTweet: async () => undefined,
    };
    const { worker } = setup(notion);
    await expect(worker.save(sam, job)).rejects.toThrow('timeout');
    expect(await worker.save(sam, job)).toMatchObject({ kind: 'saved', pageId: 'p-2' });
    expect(calls).toBe(2);
  });

  it('a save not from the queue (no key) never looks', async () => {
    const notion: Partial<NotionGateway> = {
      createRow: async () => ({ pageId: 'p-3', url: 'https://www.notion.so/p3' }),
      findRowByTweet: async () => Promise.reject(new Error('must not be called')),
    };
    const { worker } = setup(notion);
    expect(await worker.save(sam, { tweet })).toMatchObject({ kind: 'saved', pageId: 'p-3' });
  });

  it('a job delivered again after its first run finished the row answers "Saved"; another save of it, "Already saved"', async () => {
    let calls = 0;
    const notion: Partial<NotionGateway> = {
      createRow: async () => ({ pageId: `p-${++calls}`, url: `https://www.notion.so/p${calls}` }),
      findRowByTweet: async () => Promise.reject(new Error('must not be called')),
    };
    const { worker, saveIndex } = setup(notion);
    expect(await worker.save(sam, job)).toMatchObject({ kind: 'saved', pageId: 'p-1' });
    expect(saveIndex.records[0]).toMatchObject({ pageId: 'p-1', jobKey: job.key });
    // The process died before the job was marked done (or it expired while running): the same job runs again.
    expect(await worker.save(sam, job)).toMatchObject({ kind: 'saved', pageId: 'p-1', table: 'Tweets' });
    // A second request for the tweet is a job of its own: the duplicate guard answers it.
    expect(await worker.save(sam, { ...job, key: `${job.key}-other` })).toMatchObject({
      kind: 'already_saved',
      pageId: 'p-1',
    });
    expect(await worker.save(sam, { tweet })).toMatchObject({ kind: 'already_saved', pageId: 'p-1' });
    expect(calls).toBe(1);
  });

  it('two deliveries of one job at once in one process share the write and both answer "Saved"', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const notion: Partial<NotionGateway> = {
      createRow: async () => {
        calls++;
        await gate;
        return { pageId: 'p-1', url: 'https://www.notion.so/p1' };
      },
    };
    const { worker } = setup(notion);
    const first = worker.save(sam, job);
    const again = worker.save(sam, job);
    const other = worker.save(sam, { ...job, key: `${job.key}-other` });
    release();
    expect(await first).toMatchObject({ kind: 'saved', pageId: 'p-1' });
    expect(await again).toMatchObject({ kind: 'saved', pageId: 'p-1' });
    expect(await other).toMatchObject({ kind: 'already_saved', pageId: 'p-1' });
    expect(calls).toBe(1);
  });
});

describe('save worker: one job on two instances at once', () => {
  it('a job that expired while running and runs again elsewhere waits for the first run and writes nothing', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const notion: Partial<NotionGateway> = {
      createRow: async () => {
        calls++;
        await gate; // the first run is slow: the engine hands the job to another instance meanwhile
        return { pageId: 'p-1', url: 'https://www.notion.so/p1' };
      },
      findRowByTweet: async () => Promise.reject(new Error('must not be called')),
    };
    const shared = { claims: memoryClaims(), saveIndex: memoryIndex() };
    const first = setup(notion, undefined, shared).worker;
    const second = setup(notion, undefined, shared).worker;
    const one = first.save(sam, job);
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5)); // the first run is writing
    const two = second.save(sam, job); // the other instance holds the saving claim: this one waits for its row
    // Let it reach that wait (were it later, it would find the row in the index: the same answer).
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    expect(await one).toMatchObject({ kind: 'saved', pageId: 'p-1' });
    expect(await two).toMatchObject({ kind: 'saved', pageId: 'p-1' });
    expect(calls).toBe(1);
    expect(shared.saveIndex.records).toHaveLength(1);
  });
});

describe('save worker: rate limits', () => {
  it('takes a slot for the connection before the write; a denial delays the job without calling Notion', async () => {
    const taken: string[] = [];
    const limiter: NotionRateLimiter = { take: async (key) => (taken.push(key), 1200), block: async () => undefined };
    const notion: Partial<NotionGateway> = { createRow: async () => Promise.reject(new Error('must not be called')) };
    const { worker } = setup(notion, limiter);
    await expect(worker.save(sam, job)).rejects.toEqual(new RetryLaterError(1200, 'rate_limited'));
    expect(taken).toEqual(['notion:bot-1']);
  });

  it('a 429 blocks the connection for its Retry-After and answers rate_limited (the handler makes it wait)', async () => {
    const blocked: [string, number][] = [];
    const limiter: NotionRateLimiter = { take: async () => 0, block: async (key, ms) => void blocked.push([key, ms]) };
    const notion: Partial<NotionGateway> = {
      createRow: async () => Promise.reject(new NotionRateLimitedError(4)),
      findRowByTweet: async () => undefined,
    };
    const { worker } = setup(notion, limiter);
    expect(await worker.save(sam, job)).toEqual({ kind: 'rate_limited', retryAfterSeconds: 4 });
    expect(blocked).toEqual([['notion:bot-1', 4000]]);
  });
});

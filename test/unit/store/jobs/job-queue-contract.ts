import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobDelivery, SaveJob, SaveJobHandler, SaveJobQueue } from '../../../../src/core/save-jobs.js';
import { RetryLaterError } from '../../../../src/core/save-jobs.js';
import type { JobQueueOptions } from '../../../../src/store/jobs/job-queue-options.js';

export interface JobQueueBackend {
  label: string;
  /** Whether jobs outlive the instance (every engine but memory://). */
  durable: boolean;
  /**
   * A queue instance on the backing store named `space` (a table, queue or schema of its own per test). A second
   * call with the same `space` is a second instance, as another process on the same store would be. Short leases
   * and polls: a lapsed lease is noticed within about a second.
   */
  open(space: string, options: JobQueueOptions): Promise<SaveJobQueue>;
  /** What the store holds for `space`, as text: reply credentials must not be in it. */
  dump?(space: string): Promise<string>;
  /** Closes what `open` opened (after each test; the queues are stopped first). */
  closeAll(): Promise<void>;
}

/** Generous: a condition that should hold within a second or two on a loaded machine. */
const WAIT_MS = 15_000;

async function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const SECRET_URL = 'https://hooks.slack.com/actions/T1/123/SECRETresponseURL';
const SECRET_TOKEN = 'SECRETinteractionTOKEN';

let n = 0;
function job(tag: string, overrides: Partial<SaveJob> = {}): SaveJob {
  n++;
  return {
    key: `slack:T1:U${n}:ds-1:tweet-${tag}:${n}`,
    user: { platform: 'slack', teamId: 'T1', userId: `U${n}`, displayName: 'sam' },
    tweet: { id: String(1_000 + n), url: `https://x.com/sam/status/${1_000 + n}`, handle: 'sam', text: `tweet ${tag}` },
    replyTo: { kind: 'slack_response_url', url: SECRET_URL, expiresAt: new Date(Date.now() + 1_800_000).toISOString() },
    acceptedAt: new Date().toISOString(),
    ...overrides,
  };
}

interface Run {
  key: string;
  attempt: number;
  at: number;
}

/** A handler that records each run and does what `behave` says for it. */
function recorder(behave: (job: SaveJob, d: JobDelivery) => Promise<void> | void = () => undefined) {
  const runs: Run[] = [];
  const handler: SaveJobHandler = async (j, d) => {
    runs.push({ key: j.key, attempt: d.attempt, at: Date.now() });
    await behave(j, d);
  };
  return { runs, handler, keys: () => runs.map((r) => r.key) };
}

/** The SaveJobQueue contract, run against every engine. */
export function defineJobQueueContract(backend: JobQueueBackend): void {
  describe(`save job queue contract over ${backend.label}`, () => {
    const opened: SaveJobQueue[] = [];
    let space = '';
    const open = async (options: JobQueueOptions = {}) => {
      const queue = await backend.open(space, { retryBaseMs: 100, retryMaxMs: 2_000, ...options });
      opened.push(queue);
      return queue;
    };
    const fresh = () => {
      space = `t${randomBytes(5).toString('hex')}`;
    };

    afterEach(async () => {
      for (const queue of opened.splice(0)) await queue.stop(0);
      await backend.closeAll();
    });

    it('runs each added job once, as it was added, and ignores a second add of a key', async () => {
      fresh();
      const queue = await open();
      const { runs, handler } = recorder();
      const received: SaveJob[] = [];
      await queue.start(async (j, d) => {
        received.push(j);
        await handler(j, d);
      });
      const a = job('a', { tableName: 'Reading list', force: true, dataSourceId: 'ds-9', requestId: 'req-1' });
      const b = job('b', {
        replyTo: { kind: 'discord_interaction', applicationId: 'app1', token: SECRET_TOKEN, expiresAt: 'x' },
      });
      await queue.add(a);
      // Later adds of a key are ignored, whatever they carry; concurrent ones too.
      await Promise.all([queue.add(a), queue.add(b), queue.add(b), queue.add({ ...a, tweet: { id: 'other' } })]);
      await queue.drain();
      await queue.add(a); // done recently: still ignored
      await queue.drain();
      expect(runs.map((r) => r.key).sort()).toEqual([a.key, b.key].sort());
      expect(runs.every((r) => r.attempt === 1)).toBe(true);
      expect(received.find((j) => j.key === a.key)).toEqual(a);
      expect(received.find((j) => j.key === b.key)).toEqual(b);
    });

    it('runs jobs added before start', async () => {
      fresh();
      const queue = await open();
      const first = job('before');
      await queue.add(first);
      const { keys, handler } = recorder();
      await queue.start(handler);
      await queue.drain();
      expect(keys()).toEqual([first.key]);
    });

    it('waits the RetryLaterError delay, without counting it as a failure', async () => {
      fresh();
      // Base 300 ms, jitter pinned at the top: the first failure waits 300 ms; had the three delays counted as
      // failures, the fourth would wait 2400 ms.
      const queue = await open({ retryBaseMs: 300, retryMaxMs: 60_000, random: () => 1 });
      const { runs, handler } = recorder((_j, d) => {
        if (d.attempt <= 3) throw new RetryLaterError(200, 'rate_limited');
        if (d.attempt === 4) throw new Error('Notion 503');
      });
      await queue.start(handler);
      await queue.add(job('limited'));
      await eventually(() => runs.length === 5, 'five runs');
      await queue.drain();
      const gaps = runs.slice(1).map((r, i) => r.at - runs[i]!.at);
      for (const gap of gaps.slice(0, 3)) expect(gap).toBeGreaterThanOrEqual(150);
      expect(gaps[3]).toBeGreaterThanOrEqual(250);
      expect(gaps[3]).toBeLessThan(1_500);
      expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5]);
    });

    it('retries other errors with backoff until the handler succeeds', async () => {
      fresh();
      const queue = await open();
      const { runs, handler } = recorder((_j, d) => {
        if (d.attempt < 3) throw new Error('socket hang up');
      });
      await queue.start(handler);
      await queue.add(job('flaky'));
      await queue.drain();
      expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
      expect(await queue.stats()).toMatchObject({ waiting: 0, delayed: 0, active: 0 });
    });

    it('counts waiting, delayed and active jobs and the age of the oldest', async () => {
      fresh();
      const queue = await open({ concurrency: 1 });
      await expect(queue.stats()).resolves.toMatchObject({ waiting: 0, delayed: 0, active: 0 });
      const old = job('old', { acceptedAt: new Date(Date.now() - 60_000).toISOString() });
      await queue.add(old);
      await queue.add(job('new'));
      const before = await queue.stats();
      expect(before).toMatchObject({ waiting: 2, delayed: 0, active: 0 });
      expect(before.oldestAgeMs).toBeGreaterThanOrEqual(59_000);
      const hold = gate();
      await queue.start(async (j) => {
        if (j.key === old.key) throw new RetryLaterError(60_000, 'rate_limited');
        await hold.promise;
      });
      await eventually(async () => {
        const s = await queue.stats();
        return s.delayed === 1 && s.active === 1 && s.waiting === 0;
      }, 'one delayed, one active');
      hold.open();
      await eventually(async () => (await queue.stats()).active === 0, 'the active job to finish');
      expect(await queue.stats()).toMatchObject({ waiting: 0, delayed: 1, active: 0 });
    });

    it('answers ping while open', async () => {
      fresh();
      const queue = await open();
      await expect(queue.ping()).resolves.toBeUndefined();
    });

    it('stop(grace) waits for a running job that finishes within the grace period', async () => {
      fresh();
      const queue = await open();
      let finished = false;
      const started = gate();
      await queue.start(async () => {
        started.open();
        await new Promise((resolve) => setTimeout(resolve, 200));
        finished = true;
      });
      await queue.add(job('short'));
      await started.promise;
      await queue.stop(10_000);
      expect(finished).toBe(true);
      await queue.stop(); // twice is fine
    });

    if (backend.dump) {
      it('stores reply credentials encrypted', async () => {
        fresh();
        const queue = await open();
        await queue.add(job('secret'));
        await queue.add(
          job('secret2', {
            replyTo: { kind: 'discord_interaction', applicationId: 'a', token: SECRET_TOKEN, expiresAt: 'x' },
          }),
        );
        const text = await backend.dump!(space);
        expect(text).toContain('tweet secret'); // the dump does show the jobs
        expect(text).not.toContain('SECRETresponseURL');
        expect(text).not.toContain(SECRET_TOKEN);
      });
    }

    if (!backend.durable) return;

    it('runs jobs added by another instance on the same store, and those left from before its start', async () => {
      fresh();
      const producer = await open();
      const first = job('before');
      await producer.add(first);
      const consumer = await open();
      const { keys, handler } = recorder();
      await consumer.start(handler);
      const second = job('other-instance');
      await producer.add(second);
      await eventually(() => keys().length === 2, 'both jobs');
      expect(keys().sort()).toEqual([first.key, second.key].sort());
    });

    it('runs again a job whose process died while running it', async () => {
      fresh();
      const dying = await open();
      const started = gate();
      await dying.start(async () => {
        started.open();
        await new Promise(() => undefined); // never finishes: the process is gone
      });
      const lost = job('in-flight');
      await dying.add(lost);
      await started.promise;
      await dying.stop(0);
      const survivor = await open();
      const { runs, handler } = recorder();
      await survivor.start(handler);
      await eventually(() => runs.length === 1, 'the survivor to run it');
      expect(runs[0]!.key).toBe(lost.key);
      expect(runs[0]!.attempt).toBeGreaterThanOrEqual(2);
      await survivor.drain();
      expect(runs).toHaveLength(1);
    });

    it('a job running several leases long is renewed: no other instance runs it meanwhile', async () => {
      fresh();
      const first = await open();
      const second = await open();
      // Either instance may take it; the other watches with the same handler.
      const { runs, handler } = recorder(() => new Promise((resolve) => setTimeout(resolve, 3_500)));
      await first.start(handler);
      await second.start(handler);
      const long = job('long');
      await first.add(long);
      await eventually(() => runs.length === 1, 'the run to start');
      await eventually(async () => (await first.stats()).active === 0, 'the long run to finish');
      await first.drain();
      expect(runs.map((r) => r.key)).toEqual([long.key]);
    });

    it('stop(grace) leaves unfinished jobs stored, and the next instance finishes them once', async () => {
      fresh();
      const first = await open({ concurrency: 1 });
      const late = gate();
      const startedA = gate();
      await first.start(async () => {
        startedA.open();
        await late.promise;
      });
      const jobs = [job('running'), job('queued-1'), job('queued-2')];
      for (const j of jobs) await first.add(j);
      await startedA.promise;
      const t0 = Date.now();
      await first.stop(300);
      expect(Date.now() - t0).toBeLessThan(5_000);
      const next = await open();
      const { keys, handler } = recorder();
      await next.start(handler);
      await eventually(() => keys().length === 3, 'all three jobs');
      late.open(); // the first instance's run ends late: it must not undo the next instance's work
      await next.drain();
      expect(keys().sort()).toEqual(jobs.map((j) => j.key).sort());
      expect(await next.stats()).toMatchObject({ waiting: 0, delayed: 0, active: 0 });
    });
  });
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatNotifier, SaveOutcome } from '../../../src/core/outcomes.js';
import {
  ACKS_FIRST_MAX_MS,
  createSaveJobHandler,
  QUEUED_NOTE_AFTER_MS,
  retryDecision,
  unavailableDelayMs,
} from '../../../src/core/save-job-handler.js';
import { RetryLaterError, type SaveJob } from '../../../src/core/save-jobs.js';
import { createLogger, withLogContext } from '../../../src/log.js';
import { waitFor } from '../../helpers/product.js';
import { memoryClaims, recordingNotifier, sam, silent } from './fakes.js';

const ACCEPTED = '2026-01-01T00:00:00.000Z';
const tweet = { id: '20', url: 'https://x.com/jack/status/20', handle: 'jack', text: 'just setting up my twttr' };
const job: SaveJob = {
  key: 'save:slack:T1:U1:default:20:once:n1',
  user: sam,
  tweet,
  replyTo: { kind: 'dm' },
  acceptedAt: ACCEPTED,
};
const saved: SaveOutcome = {
  kind: 'saved',
  pageUrl: 'https://www.notion.so/p1',
  pageId: 'p1',
  table: 'Tweets',
  tweet,
  textMissing: false,
};

function setup(save: () => Promise<SaveOutcome>, at: { ms: number }, giveUpAfterHours = 24, claims = memoryClaims()) {
  const delivered: SaveOutcome[] = [];
  /** Whether each answer was told it replaces a "queued" note. */
  const replacing: boolean[] = [];
  const notifier: ChatNotifier = {
    ...recordingNotifier(),
    deliverSaveResult: async (_to, _user, outcome, options) => {
      delivered.push(outcome);
      replacing.push(options?.replacesNote === true);
    },
  };
  const settled: SaveOutcome[] = [];
  const handler = createSaveJobHandler({
    save,
    notifierFor: () => notifier,
    claims,
    log: silent,
    now: () => new Date(Date.parse(ACCEPTED) + at.ms),
    giveUpAfterHours,
    settled: (_job, outcome) => void settled.push(outcome),
    random: () => 0.5,
  });
  return { handler, delivered, settled, replacing };
}

afterEach(() => vi.useRealTimers());

describe('retry decisions', () => {
  it('a rate limit waits its Retry-After (1 s without one); an unavailable Notion backs off from the attempt number', () => {
    expect(retryDecision({ kind: 'rate_limited', retryAfterSeconds: 7 }, 1)).toMatchObject({
      delayMs: 7000,
      reason: 'rate_limited',
    });
    expect(retryDecision({ kind: 'rate_limited' }, 1)).toMatchObject({ delayMs: 1000, reason: 'rate_limited' });
    const half = () => 0.5;
    expect(retryDecision({ kind: 'failed', reason: 'notion_unavailable' }, 1, half)).toMatchObject({
      delayMs: 1500,
      reason: 'unavailable',
    });
    expect(retryDecision({ kind: 'failed', reason: 'notion_unavailable' }, 3, half)).toMatchObject({ delayMs: 6000 });
    expect(unavailableDelayMs(40, () => 1)).toBe(5 * 60_000);
    expect(unavailableDelayMs(40, () => 0)).toBe(2.5 * 60_000);
  });

  it('answers the user for good only with a final outcome', () => {
    for (const outcome of [
      saved,
      { kind: 'failed', reason: 'notion_rejected' } as const,
      { kind: 'not_connected', connectUrl: 'https://x' } as const,
    ]) {
      expect(retryDecision(outcome, 1)).toBeUndefined();
    }
  });
});

describe('the save job handler', () => {
  it('delivers the final outcome once, through the notifier', async () => {
    const { handler, delivered, settled } = setup(async () => saved, { ms: 100 });
    await handler(job, { attempt: 1 });
    expect(delivered).toEqual([saved]);
    expect(settled).toEqual([saved]);
  });

  it('a save Notion keeps refusing with 503 waits (RetryLaterError), never "failed"; the note goes out once past the reply window', async () => {
    const at = { ms: 500 };
    const { handler, delivered } = setup(async () => ({ kind: 'failed', reason: 'notion_unavailable' }), at);
    // Early: the retry is due within the window, nothing said yet.
    await expect(handler(job, { attempt: 1 })).rejects.toBeInstanceOf(RetryLaterError);
    expect(delivered).toEqual([]);
    at.ms = 30_000;
    await expect(handler(job, { attempt: 4 })).rejects.toMatchObject({ reason: 'unavailable' });
    await expect(handler(job, { attempt: 5 })).rejects.toBeInstanceOf(RetryLaterError);
    expect(delivered).toEqual([{ kind: 'queued', tweet }]);
  });

  it('a limiter denial from the worker waits too', async () => {
    const { handler, delivered } = setup(async () => Promise.reject(new RetryLaterError(250, 'rate_limited')), {
      ms: 0,
    });
    await expect(handler(job, { attempt: 1 })).rejects.toMatchObject({ delayMs: 250, reason: 'rate_limited' });
    expect(delivered).toEqual([]);
  });

  it('a store or network error from the worker is no verdict: the job waits with backoff', async () => {
    const { handler, delivered } = setup(async () => Promise.reject(new Error('SQLITE_BUSY: database is locked')), {
      ms: 0,
    });
    await expect(handler(job, { attempt: 2 })).rejects.toMatchObject({ delayMs: 3000, reason: 'unavailable' });
    expect(delivered).toEqual([]);
  });

  it('tells the user "queued" when the save is still running at the end of the reply window, then "Saved"', async () => {
    vi.useFakeTimers();
    let finish!: (o: SaveOutcome) => void;
    const { handler, delivered, replacing } = setup(() => new Promise((resolve) => (finish = resolve)), { ms: 0 });
    const run = handler(job, { attempt: 1 });
    await vi.advanceTimersByTimeAsync(QUEUED_NOTE_AFTER_MS + 1);
    expect(delivered).toEqual([{ kind: 'queued', tweet }]);
    finish(saved);
    await run;
    expect(delivered).toEqual([{ kind: 'queued', tweet }, saved]);
    expect(replacing).toEqual([false, true]);
  });

  it('the final answer replaces a note another instance (or the process before a restart) sent', async () => {
    const claims = memoryClaims();
    const at = { ms: 30_000 };
    const first = setup(async () => ({ kind: 'failed', reason: 'notion_unavailable' }), at, 24, claims);
    await expect(first.handler(job, { attempt: 3 })).rejects.toBeInstanceOf(RetryLaterError);
    expect(first.delivered).toEqual([{ kind: 'queued', tweet }]);
    at.ms = 40_000;
    const second = setup(async () => saved, at, 24, claims);
    await second.handler(job, { attempt: 4 });
    expect(second.delivered).toEqual([saved]);
    expect(second.replacing).toEqual([true]);
  });

  it('a save answered within the reply window replaces nothing and asks the store nothing about notes', async () => {
    const claims = memoryClaims();
    const claim = vi.spyOn(claims, 'claim');
    const { handler, replacing } = setup(async () => saved, { ms: 100 }, 24, claims);
    await handler(job, { attempt: 1 });
    expect(replacing).toEqual([false]);
    expect(claim).not.toHaveBeenCalled();
  });

  describe('a replayed kept save', () => {
    const replayed: SaveJob = { ...job, key: `${job.key}-kept`, keptAt: '2025-12-30T00:00:00.000Z' };
    const keptAgain: SaveOutcome[] = [
      { kind: 'needs_table', status: { kind: 'none_shared' }, kept: true },
      { kind: 'reconnect', connectUrl: 'https://bot.example/oauth/notion/start?t=x', kept: true },
    ];

    it('kept again by the worker is still waiting: settled, but not answered (a first save is)', async () => {
      for (const outcome of keptAgain) {
        const first = setup(async () => outcome, { ms: 100 });
        await first.handler(job, { attempt: 1 });
        expect(first.delivered).toEqual([outcome]);

        const again = setup(async () => outcome, { ms: 100 });
        await again.handler(replayed, { attempt: 1 });
        expect(again.delivered).toEqual([]);
        expect(again.settled).toEqual([outcome]);
      }
    });

    it('is answered like any save once it lands, or when it could not be kept again', async () => {
      const notKept: SaveOutcome = { kind: 'needs_table', status: { kind: 'none_shared' }, kept: false };
      for (const outcome of [saved, notKept]) {
        const { handler, delivered } = setup(async () => outcome, { ms: 100 });
        await handler(replayed, { attempt: 1 });
        expect(delivered).toEqual([outcome]);
      }
    });

    it('gets no "queued" note however long it waits: only its answer', async () => {
      vi.useFakeTimers();
      let finish!: (o: SaveOutcome) => void;
      const slow = setup(() => new Promise((resolve) => (finish = resolve)), { ms: 0 });
      const run = slow.handler(replayed, { attempt: 1 });
      await vi.advanceTimersByTimeAsync(QUEUED_NOTE_AFTER_MS + 1);
      finish(saved);
      await run;
      expect(slow.delivered).toEqual([saved]);

      const at = { ms: 30_000 };
      const busy = setup(async () => ({ kind: 'failed', reason: 'notion_unavailable' }), at);
      await expect(busy.handler(replayed, { attempt: 4 })).rejects.toBeInstanceOf(RetryLaterError);
      expect(busy.delivered).toEqual([]);
    });
  });

  it('gives up after SAVE_GIVE_UP_AFTER_HOURS, plainly and with the tweet, without calling the worker', async () => {
    const save = vi.fn(async () => saved);
    const { handler, delivered } = setup(save, { ms: 2 * 60 * 60_000 }, 2);
    await handler(job, { attempt: 9 });
    expect(save).not.toHaveBeenCalled();
    expect(delivered).toEqual([{ kind: 'gave_up', tweet, hours: 2 }]);
  });

  it('gives up rather than wait past the give-up time', async () => {
    const { handler, delivered } = setup(
      async () => ({ kind: 'rate_limited', retryAfterSeconds: 3600 }),
      { ms: 90 * 60_000 },
      2,
    );
    await handler(job, { attempt: 3 });
    expect(delivered).toEqual([{ kind: 'gave_up', tweet, hours: 2 }]);
  });
});

describe('log context', () => {
  it("a job's lines name the request that accepted it, not the one whose add woke the worker", async () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const handler = createSaveJobHandler({
      save: async () => {
        log.info({ event: 'inside' }, 'saving');
        return { kind: 'rate_limited', retryAfterSeconds: 1 };
      },
      notifierFor: () => recordingNotifier(),
      claims: memoryClaims(),
      log,
      now: () => new Date(ACCEPTED),
    });
    const run = (j: SaveJob) =>
      withLogContext({ requestId: 'waker' }, () => handler(j, { attempt: 1 })).catch(() => undefined);
    await run({ ...job, requestId: 'accepting' });
    await run(job); // a replayed kept save: accepted by no request
    expect(lines.map((l) => [l.event, l.requestId])).toEqual([
      ['inside', 'accepting'],
      ['save.retry_later', 'accepting'],
      ['inside', undefined],
      ['save.retry_later', undefined],
    ]);
  });
});

describe('acks first', () => {
  it('a save starts once the requests being answered are, waiting at most ACKS_FIRST_MAX_MS', async () => {
    let endLull: (() => void) | undefined;
    const waits: number[] = [];
    const save = vi.fn(async () => saved);
    const handler = createSaveJobHandler({
      save,
      notifierFor: () => recordingNotifier(),
      claims: memoryClaims(),
      log: silent,
      now: () => new Date(ACCEPTED),
      requests: {
        lull: (maxWaitMs) => {
          waits.push(maxWaitMs);
          return new Promise<void>((resolve) => (endLull = resolve));
        },
      },
    });
    const running = handler(job, { attempt: 1 });
    await waitFor(() => endLull !== undefined, { what: 'the save to wait for a lull' });
    expect(save).not.toHaveBeenCalled();
    endLull!();
    await running;
    expect(save).toHaveBeenCalledOnce();
    expect(waits).toEqual([ACKS_FIRST_MAX_MS]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { RetryLaterError, type SaveJob } from '../../../../src/core/save-jobs.js';
import { retryDelayMs } from '../../../../src/store/jobs/job-queue-options.js';
import { MemorySaveJobQueue } from '../../../../src/store/jobs/memory-save-job-queue.js';

const job = (key: string): SaveJob => ({
  key,
  user: { platform: 'slack', teamId: 'T1', userId: 'U1' },
  tweet: { id: '1', url: 'https://x.com/a/status/1' },
  replyTo: { kind: 'dm' },
  acceptedAt: new Date().toISOString(),
});

afterEach(() => {
  vi.useRealTimers();
});

describe('MemorySaveJobQueue with a fake clock', () => {
  it('waits exactly the RetryLaterError delay, and backs off exponentially on other errors', async () => {
    vi.useFakeTimers();
    const queue = new MemorySaveJobQueue({ retryBaseMs: 1_000, retryMaxMs: 8_000, random: () => 1 });
    const runs: number[] = [];
    await queue.start(async (_job, { attempt }) => {
      runs.push(Date.now());
      if (attempt === 1) throw new RetryLaterError(5_000, 'rate_limited');
      if (attempt <= 4) throw new Error('503');
    });
    const t0 = Date.now();
    await queue.add(job('a'));
    await vi.advanceTimersByTimeAsync(60_000);
    await queue.drain();
    // 5 s rate limit (not a failure), then 1 s, 2 s, 4 s of backoff (random pinned at the top of the jitter).
    expect(runs.map((t) => t - t0)).toEqual([0, 5_000, 6_000, 8_000, 12_000]);
    await queue.stop();
  });

  it('forgets a finished key after keepDoneMs, not before', async () => {
    vi.useFakeTimers();
    const queue = new MemorySaveJobQueue({ keepDoneMs: 10_000 });
    let runs = 0;
    await queue.start(async () => {
      runs++;
    });
    await queue.add(job('k'));
    await queue.drain();
    await queue.add(job('k'));
    await queue.drain();
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(10_001);
    await queue.add(job('k'));
    await queue.drain();
    expect(runs).toBe(2);
    await queue.stop();
  });
});

describe('retryDelayMs', () => {
  it('stays within [half, full] of the capped exponential', () => {
    for (let failures = 1; failures < 40; failures++) {
      const cap = Math.min(60_000, 500 * 2 ** (failures - 1));
      expect(retryDelayMs(failures, { retryBaseMs: 500, retryMaxMs: 60_000, random: () => 0 })).toBe(
        Math.round(cap / 2),
      );
      expect(retryDelayMs(failures, { retryBaseMs: 500, retryMaxMs: 60_000, random: () => 1 })).toBe(cap);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { readProcStats } from '../../../bench/lib/proc-stats.js';
import { markdownTable, type AppFigures, type BenchResult } from '../../../bench/lib/report.js';
import { percentile, pool } from '../../../bench/lib/stats.js';

/** The bench's own arithmetic and /proc parsing (the bench itself asserts nothing and never runs in npm test). */
describe('bench helpers', () => {
  it('percentile is nearest-rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('pool runs every job once with at most `concurrency` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await pool(25, 4, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      seen.push(i);
      inFlight--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(most).toBe(4);
  });

  it.runIf(process.platform === 'linux')('reads CPU time and RSS of a process from /proc', () => {
    const s = readProcStats(process.pid);
    expect(s.cpuMs).toBeGreaterThan(0);
    expect(s.rssMb).toBeGreaterThan(10);
    expect(s.peakRssMb).toBeGreaterThanOrEqual(s.rssMb);
  });

  it('prints each app, the targets and the product/floor and product/baseline ratios', () => {
    const figures = (app: AppFigures['app'], k: number): AppFigures => ({
      app,
      ackP50Ms: 10 * k,
      ackP99Ms: 20 * k,
      ackMaxMs: 30 * k,
      ackNon200: 0,
      ackOver1s: 0,
      cpuMsPerSave: k,
      allRowsS: k,
      lastRowS: k,
      rowsCreated: 10,
      rowsExpected: 10,
      notionCalls: 10 * k,
      callsPerRow: k,
      notion429s: 0,
      peakRssMb: 100 * k,
      idleRssMb: 50 * k,
      logLinesPerSave: 0,
      answered: 10,
      harnessLagP99Ms: 0,
      harnessLagMaxMs: 0,
    });
    const result: BenchResult = {
      at: '2026-12-02T00:00:00.000Z',
      machine: { cpus: 2, model: 'x', node: 'v20', loadavg: [0, 0, 0] },
      options: {},
      apps: [figures('product', 2), { ...figures('baseline', 4), allRowsS: null, rowsCreated: 7 }, figures('floor', 1)],
      product: {},
      notes: [],
    };
    const table = markdownTable(result);
    expect(table).toContain('| target (issue 13) | p99 ≤ 200 ms |');
    expect(table).toContain('| product / floor | 2.00× | 2.00× | 2.00× | 2.00× | 2.00× | 2.00× |');
    // A missing figure gives no ratio rather than a made-up one.
    expect(table).toContain('| product / baseline | 0.50× | 0.50× | — | 0.50× | 0.50× | 0.50× |');
    expect(table).toContain('never (7/10 by 4.0 s)');
  });
});

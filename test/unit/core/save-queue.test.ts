import { describe, expect, it } from 'vitest';
import { createInProcessQueue } from '../../../src/core/save-queue.js';

describe('createInProcessQueue', () => {
  it('runs at most `concurrency` tasks at once and drains', async () => {
    const queue = createInProcessQueue(2);
    let running = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const task = () =>
      new Promise<number>((resolve) => {
        running++;
        peak = Math.max(peak, running);
        gates.push(() => {
          running--;
          resolve(peak);
        });
      });
    const results = [queue.run(task), queue.run(task), queue.run(task)];
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(2);
    while (gates.length) {
      gates.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(results);
    await queue.drain();
    expect(peak).toBe(2);
  });

  it('passes failures to the caller and keeps going', async () => {
    const queue = createInProcessQueue(1);
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run(async () => 7)).resolves.toBe(7);
  });
});

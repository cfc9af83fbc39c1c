import { describe, expect, it } from 'vitest';
import { randomBytes } from '../../src/random-bytes.js';

describe('randomBytes', () => {
  it('gives the size asked for, past refills of its pool and beyond its size', () => {
    for (const size of [0, 1, 12, 4095, 4096, 4097, 10_000]) expect(randomBytes(size)).toHaveLength(size);
  });

  it('never hands out the same bytes twice, across refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) seen.add(randomBytes(12).toString('hex'));
    expect(seen.size).toBe(2_000);
  });

  it('gives a copy: changing one leaves the next ones random', () => {
    const first = randomBytes(16);
    first.fill(0);
    const next = Array.from({ length: 50 }, () => randomBytes(16));
    expect(next.some((b) => b.equals(Buffer.alloc(16)))).toBe(false);
  });
});

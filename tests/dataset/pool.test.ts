import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../src/dataset/pool.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapBounded', () => {
  it('given work finishing out of order, then keeps input order and the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapBounded([30, 5, 20, 1, 10], 2, async (ms, index) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await sleep(ms);
      inFlight -= 1;
      return index;
    });
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('given a failing call, then starts no new work, lets the running call finish and rethrows', async () => {
    const started: number[] = [];
    let finished = 0;
    const run = mapBounded([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      if (n === 0) throw new Error('boom');
      await sleep(10);
      finished += 1;
      return n;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { type EncodePlan, shrinkPlan } from '../../src/timelapse/budget.js';

/** Every plan shrinkPlan goes through from `plan` when each try is `overBy` times too large. */
function steps(plan: EncodePlan, overBy: number): EncodePlan[] {
  const seen = [plan];
  for (let next = shrinkPlan(plan, overBy); next; next = shrinkPlan(next, overBy)) seen.push(next);
  return seen;
}

describe('making a timelapse smaller', () => {
  it('given a file a little too large, then quality goes down first and nothing else changes', () => {
    expect(shrinkPlan({ frames: 48, widthPx: 522, quality: 80 }, 1.2)).toEqual({
      frames: 48,
      widthPx: 522,
      quality: 60,
    });
  });

  it('given a file far too large at quality 60, then the frames are cut in proportion, not one by one', () => {
    expect(shrinkPlan({ frames: 48, widthPx: 522, quality: 60 }, 2)).toEqual({
      frames: 21,
      widthPx: 522,
      quality: 60,
    });
  });

  it('given tries that never fit, then every step is smaller and it ends at the floors', () => {
    const all = steps({ frames: 100, widthPx: 1024, quality: 90 }, 1.05);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1] as EncodePlan, all[i] as EncodePlan];
      expect(b.frames <= a.frames && b.widthPx <= a.widthPx && b.quality <= a.quality).toBe(true);
      expect(b).not.toEqual(a);
    }
    expect(all.at(-1)).toEqual({ frames: 8, widthPx: 128, quality: 40 });
    expect(all.length).toBeLessThan(80);
  });

  it('given a plan already below every floor, then there is nothing left to shrink', () => {
    expect(shrinkPlan({ frames: 4, widthPx: 100, quality: 30 }, 3)).toBeUndefined();
  });
});

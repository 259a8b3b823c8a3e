import { describe, expect, it } from 'vitest';
import { pickEvenly } from '../../src/timelapse/select.js';

describe('which grids a timelapse shows', () => {
  it('given more grids than frames, then the picks are spread evenly and include the first and last', () => {
    expect(pickEvenly(100, 5)).toEqual([0, 25, 50, 74, 99]);
    expect(pickEvenly(10, 4)).toEqual([0, 3, 6, 9]);
  });

  it('given any counts, then the picks are distinct, increasing, even, and as many as asked for', () => {
    const wrong: string[] = [];
    for (let count = 2; count <= 60; count++) {
      for (let wanted = 2; wanted <= count; wanted++) {
        const picks = pickEvenly(count, wanted);
        const gaps = picks.slice(1).map((p, i) => p - (picks[i] as number));
        const ok =
          picks.length === wanted &&
          picks[0] === 0 &&
          picks.at(-1) === count - 1 &&
          Math.min(...gaps) >= 1 &&
          // Evenly: no gap more than one wider than any other.
          Math.max(...gaps) - Math.min(...gaps) <= 1;
        if (!ok) wrong.push(`${count}/${wanted}: ${picks.join(',')}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('given fewer grids than frames, then every grid is shown', () => {
    expect(pickEvenly(3, 48)).toEqual([0, 1, 2]);
  });

  it('given nothing to pick from, or one frame, then nothing, or the last grid', () => {
    expect(pickEvenly(0, 10)).toEqual([]);
    expect(pickEvenly(5, 1)).toEqual([4]);
  });
});

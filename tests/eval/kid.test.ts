import { describe, expect, it } from 'vitest';
import { featureSet, kernelInceptionDistance, median, nearestDistances } from '../../src/eval/kid.js';
import { Rng } from '../../src/gan/random.js';

/** Rows of Gaussian-ish features (sums of uniforms), shifted by `shift` in every dimension. */
function gaussianRows(rows: number, dim: number, shift: number, seed: number) {
  const rng = new Rng(seed);
  const data = Float32Array.from(
    { length: rows * dim },
    () => rng.next() + rng.next() + rng.next() - 1.5 + shift,
  );
  return featureSet(data, dim);
}

/** The unbiased MMD² written out pair by pair, to check the block arithmetic against. */
function mmdByHand(x: ReturnType<typeof featureSet>, y: ReturnType<typeof featureSet>): number {
  const d = x.dim;
  const k = (a: Float32Array, i: number, b: Float32Array, j: number) => {
    let dot = 0;
    for (let t = 0; t < d; t++) dot += (a[i * d + t] as number) * (b[j * d + t] as number);
    return (dot / d + 1) ** 3;
  };
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < x.rows; i++)
    for (let j = 0; j < x.rows; j++) if (i !== j) xx += k(x.data, i, x.data, j);
  for (let i = 0; i < y.rows; i++)
    for (let j = 0; j < y.rows; j++) if (i !== j) yy += k(y.data, i, y.data, j);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < y.rows; j++) xy += k(x.data, i, y.data, j);
  const n = x.rows;
  const m = y.rows;
  return xx / (n * (n - 1)) + yy / (m * (m - 1)) - (2 * xy) / (n * m);
}

describe('kernel inception distance', () => {
  it('given two small sets, then the estimate equals the pairwise formula', () => {
    const x = gaussianRows(23, 5, 0, 1);
    const y = gaussianRows(31, 5, 0.3, 2);
    expect(kernelInceptionDistance(x, y).kid).toBeCloseTo(mmdByHand(x, y), 9);
  });

  it('given samples of one distribution, then KID is within a few standard errors of zero', () => {
    const a = gaussianRows(400, 16, 0, 3);
    const b = gaussianRows(300, 16, 0, 4);
    const { kid, stderr } = kernelInceptionDistance(a, b);
    expect(stderr).toBeGreaterThan(0);
    expect(Math.abs(kid)).toBeLessThan(3 * stderr);
  });

  it('given a shifted distribution, then KID is many standard errors above zero and grows with the shift', () => {
    const a = gaussianRows(300, 16, 0, 5);
    const near = kernelInceptionDistance(a, gaussianRows(300, 16, 0.2, 6));
    const far = kernelInceptionDistance(a, gaussianRows(300, 16, 0.5, 7));
    expect(near.kid).toBeGreaterThan(5 * near.stderr);
    expect(far.kid).toBeGreaterThan(near.kid);
  });

  it('given two draws of the same size, then they agree within their standard errors', () => {
    const reference = gaussianRows(300, 16, 0, 8);
    const first = kernelInceptionDistance(gaussianRows(300, 16, 0.2, 9), reference);
    const second = kernelInceptionDistance(gaussianRows(300, 16, 0.2, 10), reference);
    const combined = Math.hypot(first.stderr, second.stderr);
    expect(Math.abs(first.kid - second.kid)).toBeLessThan(3 * combined);
  });

  it('given too few rows or mismatched features, then it says so', () => {
    expect(() => kernelInceptionDistance(gaussianRows(10, 4, 0, 1), gaussianRows(50, 4, 0, 2))).toThrow(
      /at least 20 images/,
    );
    expect(() => kernelInceptionDistance(gaussianRows(30, 4, 0, 1), gaussianRows(30, 5, 0, 2))).toThrow(
      /feature sizes differ/,
    );
    expect(() => featureSet(new Float32Array(7), 3)).toThrow(/rows of 3/);
  });
});

describe('nearest training image', () => {
  it('given copies of reference rows, then their distance is zero; other rows are farther', () => {
    const reference = gaussianRows(50, 8, 0, 11);
    const copies = featureSet(reference.data.slice(0, 8 * 10), 8);
    expect(Array.from(nearestDistances(copies, reference)).every((d) => Math.abs(d) < 1e-6)).toBe(true);
    const others = nearestDistances(gaussianRows(10, 8, 0, 12), reference);
    expect(median(others)).toBeGreaterThan(0.01);
  });

  it('median of even and odd counts', () => {
    expect(median(Float64Array.from([3, 1, 2]))).toBe(2);
    expect(median(Float64Array.from([4, 1, 2, 3]))).toBe(2.5);
    expect(median(new Float64Array())).toBeNaN();
  });
});

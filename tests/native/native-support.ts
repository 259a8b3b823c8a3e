import { expect } from 'vitest';
import { tf } from '../../src/gan/tf.js';
import { loadAddon } from '../../src/native/addon.js';
import { disableNativeKernels, enableNativeKernels, kernelCalls } from '../../src/native/register.js';

/**
 * Whether the addon is built here. CI builds it (.ci/run installs the compiler), so there a missing
 * addon fails the tests; on a machine without a compiler they are skipped with the reason.
 */
export const addon = loadAddon();
if (!addon.ok && process.env.CI) throw new Error(`CI must build the native addon: ${addon.reason}`);
export const skipNative = !addon.ok;

// The cpu backend's first-use banner would interleave with test output.
(tf.backend() as unknown as { firstUse: boolean }).firstUse = false;

/** A small deterministic generator, so a failing random shape can be reproduced. */
export class Shapes {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    // xorshift32
    this.state ^= this.state << 13;
    this.state ^= this.state >>> 17;
    this.state ^= this.state << 5;
    return (this.state >>> 0) / 2 ** 32;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

/**
 * Runs `compute` on the stock kernels, then on the native ones, and returns both results as flat
 * arrays, with how many times each named kernel took its native path in the second run.
 */
export async function stockAndNative(
  compute: () => tf.Tensor | tf.Tensor[],
): Promise<{ stock: Float32Array[]; native: Float32Array[]; calls: Map<string, number> }> {
  const run = async () => {
    const out = tf.tidy(compute);
    const list = Array.isArray(out) ? out : [out];
    const values = await Promise.all(list.map(async (t) => Float32Array.from(await t.data())));
    tf.dispose(list);
    return values;
  };
  disableNativeKernels();
  const stock = await run();
  enableNativeKernels({ threads: 1 });
  const before = new Map([...kernelCalls].map(([k, c]) => [k, c.native]));
  const native = await run();
  const calls = new Map([...kernelCalls].map(([k, c]) => [k, c.native - (before.get(k) ?? 0)]));
  return { stock, native, calls };
}

/** Largest difference relative to the largest magnitude of the expected tensor. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) return Number.POSITIVE_INFINITY;
      continue;
    }
    diff = Math.max(diff, Math.abs(a - e));
    scale = Math.max(scale, Math.abs(e));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Asserts every output agrees within `tolerance` and that `kernel` ran natively at least once. */
export function expectClose(
  result: Awaited<ReturnType<typeof stockAndNative>>,
  kernel: string,
  tolerance = 1e-4,
  label = '',
): void {
  result.stock.forEach((expected, i) => {
    const err = relativeError(result.native[i] as Float32Array, expected);
    expect(err, `${kernel} ${label} output ${i}: relative error ${err}`).toBeLessThanOrEqual(tolerance);
  });
  expect(result.calls.get(kernel) ?? 0, `${kernel} ${label} should run natively`).toBeGreaterThan(0);
}

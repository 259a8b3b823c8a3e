import { afterAll, describe, expect, it } from 'vitest';
import { batchNormRelu, downConvLeakyRelu, FUSED_LAYER_KERNELS, upConvTanh } from '../../src/gan/layers.js';
import { tf } from '../../src/gan/tf.js';
import { disableNativeKernels } from '../../src/native/register.js';
import { relativeError, skipNative, stockAndNative } from './native-support.js';

afterAll(() => disableNativeKernels());

const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** Kernel names TF.js ran inside `f`, to tell the fused path from the separate ops. */
async function kernelsRun(f: () => tf.Tensor | tf.Tensor[]): Promise<Set<string>> {
  const info = await tf.profile(() => {
    const out = f();
    tf.dispose(out);
  });
  return new Set(info.kernels.map((k) => k.name));
}

function expectAllClose(result: Awaited<ReturnType<typeof stockAndNative>>, label: string): void {
  expect(result.native.length).toBe(result.stock.length);
  result.stock.forEach((expected, i) => {
    const err = relativeError(result.native[i] as Float32Array, expected);
    expect(err, `${label} output ${i}: relative error ${err}`).toBeLessThanOrEqual(1e-4);
  });
}

describe.skipIf(skipNative)('fused layers against the same maths in stock ops', () => {
  it('given a discriminator block, then conv + bias + leaky ReLU and its three gradients agree within 1e-4', async () => {
    for (const [size, inC, outC] of [
      [8, 3, 8],
      [12, 40, 16],
    ] as const) {
      const weights = normal([2, size / 2, size / 2, outC], 4);
      const block = () => {
        const x = normal([2, size, size, inC], 1);
        const kernel = tf.mul(normal([4, 4, inC, outC], 2), 0.3);
        const bias = normal([outC], 3);
        const f = (a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(downConvLeakyRelu(a, k, b, 0.2), weights));
        return [downConvLeakyRelu(x, kernel, bias, 0.2), ...tf.grads(f)([x, kernel, bias])];
      };
      const result = await stockAndNative(block);
      expectAllClose(result, `${size}x${size} ${inC}->${outC}`);
      const ran = await kernelsRun(block);
      expect(ran.has(FUSED_LAYER_KERNELS.downConvLeakyRelu)).toBe(true);
      expect(ran.has('LeakyRelu')).toBe(false);
      weights.dispose();
    }
  });

  it('given a generator block in training mode, then batch norm + ReLU, its moments and gradients agree within 1e-4', async () => {
    const running = { mean: tf.zeros([6]), variance: tf.ones([6]) };
    const weights = normal([3, 5, 5, 6], 14);
    const block = () => {
      const x = tf.add(tf.mul(normal([3, 5, 5, 6], 11), 2), 0.5);
      const gamma = tf.add(normal([6], 12), 1);
      const beta = normal([6], 13);
      const out = batchNormRelu(x, gamma, beta, running, true);
      // The moments enter this loss too, so their gradients into x are checked as well.
      const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const r = batchNormRelu(a, g, b, running, true);
        const m = r.moments as { mean: tf.Tensor; variance: tf.Tensor };
        return tf.addN([tf.sum(tf.mul(r.y, weights)), tf.sum(m.mean), tf.mul(tf.sum(m.variance), 0.5)]);
      };
      const moments = out.moments as { mean: tf.Tensor; variance: tf.Tensor };
      return [out.y, moments.mean, moments.variance, ...tf.grads(f)([x, gamma, beta])];
    };
    const result = await stockAndNative(block);
    expectAllClose(result, 'batch norm + ReLU');
    const ran = await kernelsRun(block);
    expect(ran.has(FUSED_LAYER_KERNELS.batchNormRelu)).toBe(true);
    expect(ran.has('Relu')).toBe(false);
    tf.dispose([running.mean, running.variance, weights]);
  });

  it('given the generator output, then transposed conv + bias + tanh and its three gradients agree within 1e-4', async () => {
    for (const [size, inC] of [
      [4, 8],
      [6, 40],
    ] as const) {
      const weights = normal([2, size * 2, size * 2, 3], 34);
      const block = () => {
        const x = normal([2, size, size, inC], 31);
        const kernel = tf.mul(normal([4, 4, 3, inC], 32), 0.3);
        const bias = normal([3], 33);
        const f = (a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(upConvTanh(a, k, b), weights));
        return [upConvTanh(x, kernel, bias), ...tf.grads(f)([x, kernel, bias])];
      };
      const result = await stockAndNative(block);
      expectAllClose(result, `${size}x${size} ${inC}->3`);
      const ran = await kernelsRun(block);
      expect(ran.has(FUSED_LAYER_KERNELS.upConvTanh)).toBe(true);
      expect(ran.has('Tanh')).toBe(false);
      weights.dispose();
    }
  });

  it('given inference mode, then batch norm + ReLU uses the running statistics on both paths', async () => {
    const running = { mean: normal([4], 21), variance: tf.add(tf.abs(normal([4], 22)), 0.5) };
    const result = await stockAndNative(
      () => batchNormRelu(normal([2, 3, 3, 4], 23), tf.ones([4]), tf.zeros([4]), running, false).y,
    );
    expectAllClose(result, 'inference');
    tf.dispose([running.mean, running.variance]);
  });

  it('given the fused layers disabled, then no layer kernel stays registered', () => {
    disableNativeKernels();
    for (const name of Object.values(FUSED_LAYER_KERNELS)) expect(tf.getKernel(name, 'cpu')).toBeUndefined();
  });
});

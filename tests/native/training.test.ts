import { afterAll, describe, expect, it } from 'vitest';
import { parseGanConfig } from '../../src/gan/config.js';
import { createGan, disposeGan, type GanState } from '../../src/gan/gan.js';
import { Rng } from '../../src/gan/random.js';
import { trainStep } from '../../src/gan/step.js';
import { tf } from '../../src/gan/tf.js';
import { disableNativeKernels, enableNativeKernels } from '../../src/native/register.js';
import { tinyConfig } from '../support/tiny-gan.js';
import { relativeError, skipNative } from './native-support.js';

afterAll(() => disableNativeKernels());

const config = tinyConfig;

/** Runs `steps` training steps from fixed seeds and returns the losses and the final weights. */
async function train(
  steps: number,
  native: boolean,
): Promise<{ losses: number[][]; weights: Float32Array[] }> {
  if (native) enableNativeKernels({ threads: 1 });
  else disableNativeKernels();
  const gan = createGan(config, 5);
  const rng = new Rng(6);
  const real = tf.randomUniform([config.batchSize, 32, 32, 3], -1, 1, 'float32', 7);
  const losses: number[][] = [];
  for (let i = 0; i < steps; i++) {
    const l = trainStep(gan, real, rng, { augment: true, ema: true });
    losses.push([(await l.discriminator.data())[0] as number, (await l.generator.data())[0] as number]);
    tf.dispose([l.discriminator, l.generator]);
  }
  const weights = await allWeights(gan);
  real.dispose();
  disposeGan(gan);
  return { losses, weights };
}

async function allWeights(gan: GanState): Promise<Float32Array[]> {
  const nets = [gan.generator, gan.discriminator];
  const vars = nets.flatMap((n) => [...n.params.values(), ...n.buffers.values()]);
  return Promise.all(vars.map(async (v) => Float32Array.from(await v.data())));
}

describe.skipIf(skipNative)('a training step on the native kernels', () => {
  it('given one seed, then the gradients of a full step match the stock backend within 1e-3', async () => {
    const gradsOf = async (native: boolean) => {
      if (native) enableNativeKernels({ threads: 1 });
      else disableNativeKernels();
      const gan = createGan(config, 8);
      const real = tf.randomUniform([config.batchSize, 32, 32, 3], -1, 1, 'float32', 9);
      const z = tf.randomNormal([config.batchSize, config.latentDim], 0, 1, 'float32', 10);
      const { runGenerator } = await import('../../src/gan/generator.js');
      const { runDiscriminator } = await import('../../src/gan/discriminator.js');
      const { discriminatorHingeLoss } = await import('../../src/gan/losses.js');
      const variables = [...gan.generator.params.values(), ...gan.discriminator.params.values()];
      const { grads } = tf.variableGrads(
        () =>
          discriminatorHingeLoss(
            runDiscriminator(gan.discriminator, real, config),
            runDiscriminator(gan.discriminator, runGenerator(gan.generator, z, config, true).images, config),
          ),
        variables,
      );
      const values = await Promise.all(
        variables.map(async (v) => Float32Array.from((await grads[v.name]?.data()) ?? [])),
      );
      tf.dispose([real, z, ...Object.values(grads)]);
      disposeGan(gan);
      return values;
    };
    const stock = await gradsOf(false);
    const native = await gradsOf(true);
    stock.forEach((g, i) => {
      expect(g.length).toBeGreaterThan(0);
      expect(relativeError(native[i] as Float32Array, g), `gradient ${i}`).toBeLessThan(1e-3);
    });
  });

  it('given 10 steps from one seed, then every weight matches the stock run within 1e-4', async () => {
    const stock = await train(10, false);
    const native = await train(10, true);
    stock.weights.forEach((w, i) => {
      expect(relativeError(native.weights[i] as Float32Array, w), `weight ${i}`).toBeLessThan(1e-4);
    });
  }, 60_000);

  it('given 100 steps from one seed, then the losses track the stock run', async () => {
    const stock = await train(100, false);
    const native = await train(100, true);
    // Summing in another order differs by about 1e-7 per step; GAN training amplifies that over tens of
    // steps (the weights part by about 1e-2 after 100), but the loss curves must stay on top of each other.
    stock.losses.forEach((pair, i) => {
      pair.forEach((loss, j) => {
        expect(Math.abs(loss - (native.losses[i]?.[j] ?? Number.NaN)), `step ${i} loss ${j}`).toBeLessThan(
          2e-2,
        );
      });
    });
    const mean = (r: typeof stock, j: number) =>
      r.losses.reduce((sum, pair) => sum + (pair[j] as number), 0) / 100;
    expect(Math.abs(mean(stock, 0) - mean(native, 0))).toBeLessThan(2e-3);
    expect(Math.abs(mean(stock, 1) - mean(native, 1))).toBeLessThan(2e-3);
  }, 120_000);

  it('given many steps, then neither tensors nor native memory grow, with freed memory kept for reuse', async () => {
    const status = enableNativeKernels({ threads: 1 });
    // On glibc the allocator keeps freed buffers, so this also checks that keeping them does not grow.
    if (process.platform === 'linux' && process.report?.getReport) {
      const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
      if (glibc?.glibcVersionRuntime) expect(status.retainsFreedMemory).toBe(true);
    }
    const gan = createGan(parseGanConfig({ ...config, width: 8, batchSize: 8 }), 11);
    const rng = new Rng(12);
    const real = tf.randomUniform([8, 32, 32, 3], -1, 1, 'float32', 13);
    const step = async () => {
      const l = trainStep(gan, real, rng, { augment: true, ema: true });
      await l.generator.data();
      tf.dispose([l.discriminator, l.generator]);
    };
    for (let i = 0; i < 20; i++) await step();
    globalThis.gc?.();
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const rss = process.memoryUsage().rss;
    for (let i = 0; i < 150; i++) await step();
    globalThis.gc?.();
    expect(tf.memory().numTensors - tensors).toBe(0);
    expect(tf.memory().numBytes - bytes).toBe(0);
    // The addon keeps one column buffer per thread; anything beyond a few MiB of drift would be a leak.
    expect((process.memoryUsage().rss - rss) / 2 ** 20, 'RSS growth in MiB').toBeLessThan(64);
    real.dispose();
    disposeGan(gan);
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { parseGanConfig } from '../../src/gan/config.js';
import { runDiscriminator } from '../../src/gan/discriminator.js';
import { createGan, disposeGan } from '../../src/gan/gan.js';
import { runGenerator } from '../../src/gan/generator.js';
import { discriminatorHingeLoss, generatorHingeLoss } from '../../src/gan/losses.js';
import { Rng } from '../../src/gan/random.js';
import { trainStep } from '../../src/gan/step.js';
import { tf } from '../../src/gan/tf.js';
import { tinyConfig } from '../support/tiny-gan.js';

const tiny = tinyConfig;

describe('networks', () => {
  it('given a latent batch, then the generator makes [B, s, s, 3] images in [-1, 1]', async () => {
    for (const [sizePx, excitation] of [
      [32, false],
      [64, false],
      [64, true],
      [128, true],
    ] as const) {
      const config = parseGanConfig({ ...tiny, sizePx, excitation });
      const gan = createGan(config, 1);
      const z = tf.randomNormal([3, config.latentDim]);
      const { images } = runGenerator(gan.ema, z, config, false);
      expect(images.shape).toEqual([3, sizePx, sizePx, 3]);
      const values = await images.data();
      // A loop, not Math.max(...values): a 128 px batch has more values than the call stack takes.
      expect(values.every((v) => v >= -1 && v <= 1)).toBe(true);
      const logits = runDiscriminator(gan.discriminator, images, config);
      expect(logits.shape).toEqual([3, 1]);
      tf.dispose([z, images, logits]);
      disposeGan(gan);
    }
  });
});

describe('hinge losses', () => {
  it('given logits on both sides of the margin, then only those inside it count', async () => {
    const real = tf.tensor2d([[2], [0], [-1]]);
    const fake = tf.tensor2d([[-3], [0.5], [1]]);
    // real: relu(1-2)=0, relu(1-0)=1, relu(1+1)=2 -> mean 1; fake: 0, 1.5, 2 -> mean 3.5/3
    expect((await discriminatorHingeLoss(real, fake).data())[0]).toBeCloseTo(1 + 3.5 / 3, 6);
    expect((await generatorHingeLoss(fake).data())[0]).toBeCloseTo(1.5 / 3, 6);
    tf.dispose([real, fake]);
  });
});

describe('training step', () => {
  it('given 20 steps, then the tensor count does not grow and the weights change', async () => {
    const gan = createGan(tiny, 2);
    const rng = new Rng(3);
    const real = tf.randomUniform([tiny.batchSize, 32, 32, 3], -1, 1, 'float32', 4);
    const before = await (gan.generator.params.get('out/kernel') as tf.Variable).data();
    const emaBefore = await (gan.ema.params.get('out/kernel') as tf.Variable).data();

    const first = trainStep(gan, real, rng);
    tf.dispose([first.discriminator, first.generator]);
    const baseline = tf.memory().numTensors;
    for (let i = 0; i < 19; i++) {
      const losses = trainStep(gan, real, rng);
      const [d, g] = [await losses.discriminator.data(), await losses.generator.data()];
      expect(Number.isFinite(d[0])).toBe(true);
      expect(Number.isFinite(g[0])).toBe(true);
      tf.dispose([losses.discriminator, losses.generator]);
    }
    expect(tf.memory().numTensors).toBe(baseline);
    expect(gan.step).toBe(20);
    expect(gan.gOptimizer.step).toBe(20);
    const after = await (gan.generator.params.get('out/kernel') as tf.Variable).data();
    const emaAfter = await (gan.ema.params.get('out/kernel') as tf.Variable).data();
    expect(after).not.toEqual(before);
    expect(emaAfter).not.toEqual(emaBefore);
    real.dispose();
    disposeGan(gan);
  });
});

describe('networks and optimizers', () => {
  it('given a GAN built and disposed, then no tensor is left behind', () => {
    const before = tf.memory().numTensors;
    disposeGan(createGan(tiny, 9));
    expect(tf.memory().numTensors).toBe(before);
  });
});

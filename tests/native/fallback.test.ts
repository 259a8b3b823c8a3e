import { afterAll, describe, expect, it } from 'vitest';
import { parseGanConfig } from '../../src/gan/config.js';
import { createGan, disposeGan } from '../../src/gan/gan.js';
import { Rng } from '../../src/gan/random.js';
import { trainStep } from '../../src/gan/step.js';
import { tf } from '../../src/gan/tf.js';
import { loadAddon } from '../../src/native/addon.js';
import {
  disableNativeKernels,
  enableNativeKernels,
  NATIVE_KERNELS,
  nativeStatus,
} from '../../src/native/register.js';

afterAll(() => disableNativeKernels());

describe('without the native addon', () => {
  const missing = loadAddon('/nonexistent/nightmask_native.node');

  it('given no build, then loading reports why instead of throwing', () => {
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.reason).toContain('not built');
  });

  it('given a file that is not an addon, then loading reports why instead of throwing', () => {
    const broken = loadAddon(new URL(import.meta.url).pathname);
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.reason).toContain('does not load');
  });

  it('given the addon missing, then every kernel stays stock and a training step runs', async () => {
    disableNativeKernels();
    const stockFuncs = NATIVE_KERNELS.map((k) => tf.getKernel(k.kernelName, 'cpu')?.kernelFunc);
    const status = enableNativeKernels({ load: missing });
    expect(status.enabled).toBe(false);
    expect(status.reason).toContain('not built');
    expect(nativeStatus().kernels).toEqual([]);
    NATIVE_KERNELS.forEach((k, i) => {
      expect(tf.getKernel(k.kernelName, 'cpu')?.kernelFunc).toBe(stockFuncs[i]);
    });

    const config = parseGanConfig({
      sizePx: 32,
      width: 4,
      latentDim: 8,
      batchSize: 2,
      learningRate: 2e-4,
      beta1: 0.5,
      beta2: 0.999,
      emaDecay: 0.99,
      augment: [],
    });
    const gan = createGan(config, 1);
    const real = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 2);
    const losses = trainStep(gan, real, new Rng(3));
    expect(Number.isFinite((await losses.generator.data())[0])).toBe(true);
    tf.dispose([real, losses.discriminator, losses.generator]);
    disposeGan(gan);
  });
});

import { type GanConfig, parseGanConfig } from '../../src/gan/config.js';

/** A generator and discriminator small enough that a training step takes milliseconds. */
export const tinyConfig: GanConfig = parseGanConfig({
  sizePx: 32,
  width: 4,
  latentDim: 8,
  batchSize: 4,
  learningRate: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  emaDecay: 0.99,
  augment: ['color', 'translation', 'cutout'],
});

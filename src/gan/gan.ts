import { type AdamState, createAdam, disposeAdam } from './adam.js';
import type { GanConfig } from './config.js';
import { buildDiscriminator } from './discriminator.js';
import { buildGenerator } from './generator.js';
import { copyNet, disposeNet, type Net } from './net.js';
import { Rng } from './random.js';

/** Everything one training run holds in memory: the three networks and both optimizers. */
export interface GanState {
  readonly config: GanConfig;
  readonly generator: Net;
  readonly discriminator: Net;
  /** The exponential moving average of the generator; all generation uses this one. */
  readonly ema: Net;
  readonly gOptimizer: AdamState;
  readonly dOptimizer: AdamState;
  /** Completed training steps. */
  step: number;
}

/** Builds fresh networks from a seed. The EMA starts as an exact copy of the generator. */
export function createGan(config: GanConfig, seed: number): GanState {
  const rng = new Rng(seed);
  const generator = buildGenerator(config, rng);
  const discriminator = buildDiscriminator(config, rng);
  const ema = buildGenerator(config, rng);
  copyNet(generator, ema);
  const adam = { learningRate: config.learningRate, beta1: config.beta1, beta2: config.beta2 };
  return {
    config,
    generator,
    discriminator,
    ema,
    gOptimizer: createAdam(generator, adam),
    dOptimizer: createAdam(discriminator, adam),
    step: 0,
  };
}

export function disposeGan(state: GanState): void {
  disposeNet(state.generator);
  disposeNet(state.discriminator);
  disposeNet(state.ema);
  disposeAdam(state.gOptimizer);
  disposeAdam(state.dOptimizer);
}

import { type Net, need } from './net.js';
import { tf } from './tf.js';

/**
 * The decay used at a given step. Early in a run the average would be dominated by the random
 * initial weights and sample grids would stay flat grey for thousands of steps; ramping the decay
 * from 0 (as `min(decay, (1 + step) / (10 + step))`) lets the average follow the generator at first.
 */
export function emaDecayAt(step: number, decay: number): number {
  return Math.min(decay, (1 + step) / (10 + step));
}

/** Moves the EMA net's weights and running statistics towards the training net's. */
export function updateEma(ema: Net, source: Net, decay: number): void {
  tf.tidy(() => {
    for (const map of ['params', 'buffers'] as const) {
      for (const [name, v] of source[map]) {
        const target = need(ema[map], name);
        target.assign(tf.add(tf.mul(target, decay), tf.mul(v, 1 - decay)));
      }
    }
  });
}

import { snapshotGan } from '../../src/checkpoint/gan-io.js';
import { type WrittenCheckpoint, writeCheckpoint } from '../../src/checkpoint/store.js';
import type { GanConfig } from '../../src/gan/config.js';
import { createGan, disposeGan, type GanState } from '../../src/gan/gan.js';
import { tf } from '../../src/gan/tf.js';
import { tinyConfig } from './tiny-gan.js';

/** The manifest fields a test does not care about, for a GAN at its current step. */
export function draftOf(gan: GanState) {
  return {
    step: gan.step,
    createdAt: '2026-12-04T00:00:00.000Z',
    config: gan.config,
    versions: { nightmask: 'test', tfjs: tf.version.tfjs, node: process.version },
    backend: 'cpu',
    optimizerSteps: { generator: gan.gOptimizer.step, discriminator: gan.dOptimizer.step },
    rngState: 7,
    trainer: {},
  };
}

/** Saves freshly initialised networks as the checkpoint of `step` in `dir`. */
export async function saveFreshCheckpoint(
  dir: string,
  options: { step?: number; seed?: number; config?: GanConfig } = {},
): Promise<WrittenCheckpoint> {
  const gan = createGan(options.config ?? tinyConfig, options.seed ?? 1);
  gan.step = options.step ?? 1;
  try {
    return await writeCheckpoint(dir, draftOf(gan), await snapshotGan(gan));
  } finally {
    disposeGan(gan);
  }
}

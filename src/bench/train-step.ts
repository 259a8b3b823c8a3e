import type { BackendChoice } from '../backend/select.js';
import { defaultGanConfig, parseGanConfig } from '../gan/config.js';
import { createGan, disposeGan } from '../gan/gan.js';
import { Rng } from '../gan/random.js';
import { trainStep } from '../gan/step.js';
import { tf } from '../gan/tf.js';
import { nativeStatus } from '../native/register.js';

export interface TrainBenchOptions {
  res: 32 | 64 | 128;
  width: number;
  batch: number;
  steps: number;
  warmup: number;
}

export interface TrainBenchResult {
  engine: string;
  backend: string;
  device: string;
  /** Threads the native kernels' BLAS used; null on other backends. */
  threads: number | null;
  res: number;
  width: number;
  batch: number;
  steps: number;
  secondsPerStep: number;
  imagesPerSecond: number;
  /** Peak resident memory of the process so far, in MiB. */
  peakRssMiB: number;
  /** Tensors alive after the timed steps minus before: anything above 0 is a leak. */
  tensorGrowth: number;
}

/**
 * Times the reference training step of ../shared/bench/README.md: the same DCGAN, hinge loss and Adam
 * (lr 2e-4, betas 0.5 and 0.999), on a batch of uniform noise in [-1, 1], without DiffAugment or EMA,
 * so the figure compares with dcgan_peer.py's. Loading data is not timed, as there.
 */
export async function benchTrainStep(
  options: TrainBenchOptions,
  backend: BackendChoice,
): Promise<TrainBenchResult> {
  const config = parseGanConfig({
    ...defaultGanConfig,
    sizePx: options.res,
    width: options.width,
    batchSize: options.batch,
  });
  const gan = createGan(config, 0);
  const rng = new Rng(0);
  const real = tf.randomUniform([options.batch, options.res, options.res, 3], -1, 1, 'float32', 0);
  const step = async () => {
    const losses = trainStep(gan, real, rng, { augment: false, ema: false });
    // Reading the loss waits for the step to finish on asynchronous backends.
    await losses.generator.data();
    tf.dispose([losses.discriminator, losses.generator]);
  };

  for (let i = 0; i < options.warmup; i++) await step();
  const tensorsBefore = tf.memory().numTensors;
  const started = performance.now();
  for (let i = 0; i < options.steps; i++) await step();
  const seconds = (performance.now() - started) / 1000 / options.steps;
  const tensorGrowth = tf.memory().numTensors - tensorsBefore;

  real.dispose();
  disposeGan(gan);
  return {
    engine: `tfjs-${tf.version.tfjs}`,
    backend: backend.name,
    device: backend.device,
    threads: backend.name === 'native' ? (nativeStatus().threads ?? null) : null,
    res: options.res,
    width: options.width,
    batch: options.batch,
    steps: options.steps,
    secondsPerStep: Math.round(seconds * 10_000) / 10_000,
    imagesPerSecond: Math.round((options.batch / seconds) * 100) / 100,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    tensorGrowth,
  };
}

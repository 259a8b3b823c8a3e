import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackendChoice } from '../backend/select.js';
import { restoreGan, snapshotGan } from '../checkpoint/gan-io.js';
import { type LoadedCheckpoint, type WrittenCheckpoint, writeCheckpoint } from '../checkpoint/store.js';
import { type DatasetCache, datasetId } from '../dataset/cache.js';
import type { GanConfig } from '../gan/config.js';
import { createGan, disposeGan, type GanState } from '../gan/gan.js';
import { latentFromSeed } from '../gan/latent.js';
import { Rng } from '../gan/random.js';
import { type StepLosses, trainStep } from '../gan/step.js';
import { type Tensor, tf } from '../gan/tf.js';
import { encodeGrid, renderLatents } from '../generate/render.js';
import type { Logger } from '../log/logger.js';
import { writeFileAtomic } from '../util/atomic.js';
import { packageVersion } from '../util/package-info.js';
import { BatchSampler } from './batches.js';
import {
  type DivergenceState,
  firstNonFinite,
  healthyState,
  MAX_ROLLBACKS,
  RECOVERED_AFTER_STEPS,
  readDivergenceState,
  readGoodCheckpoint,
  recoveredState,
  scaleLearningRate,
  stateChecksum,
  stoppedMessage,
  TrainingDivergedError,
  writeDivergenceState,
} from './divergence.js';
import type { TrainerProgress } from './protocol.js';
import { QualityWatch } from './quality.js';
import { setAsideCheckpoints } from './run-setup.js';

export interface TrainerSettings {
  checkpointsDir: string;
  /** Where losses.jsonl goes. */
  modelsDir: string;
  samplesDir: string;
  backend: BackendChoice;
  seed: number;
  checkpointEverySteps: number;
  checkpointEveryMs: number;
  sampleEverySteps: number;
  sampleEveryMs: number;
  logger: Logger;
  now?: () => number;
  /** The training step; tests wrap it to make a chosen step diverge. */
  trainStep?: (state: GanState, real: Tensor, rng: Rng) => StepLosses;
  /** Healthy steps after a divergence that reset the rollback count (default RECOVERED_AFTER_STEPS). */
  recoveredAfterSteps?: number;
  /** Score a checkpoint's quality (KID) when at least this long has passed since the last score; 0 or unset: never. */
  qualityEveryMs?: number;
  /** Masks per quality score (default 256). */
  qualityImages?: number;
  /** Side the feature network sees (default 149; tests use its smallest, 75). */
  qualityInputPx?: number;
}

/** A divergence the trainer recovered from: where it went back to and at what step size. */
export interface Rollback {
  divergedAtStep: number;
  /** The checkpoint's step, or 0 when there was none and new networks started. */
  toStep: number;
  learningRate: number;
  /** This rollback's number, 1 to MAX_ROLLBACKS. */
  attempt: number;
}

/** The fixed latent seeds of every sample grid, so grids from one run can be compared and animated. */
export const SAMPLE_SEEDS: readonly number[] = Object.freeze(Array.from({ length: 16 }, (_, i) => 1000 + i));

/**
 * Owns one training run: the GAN, its data, and when to checkpoint and write sample grids.
 * It wraps the pure training step with the I/O the step must not do itself.
 */
export class Trainer {
  private sampler: BatchSampler;
  private readonly now: () => number;
  private lastCheckpointAt: number;
  private lastSampleAt: number;
  private lastCheckpointStep: number;
  private lastSampleStep: number;
  private imagesPerSecond = 0;
  private losses = { discriminator: Number.NaN, generator: Number.NaN };
  private tensorBaseline: number | undefined;
  private leakWarned = false;
  private lastLossLogAt = 0;
  private info: Pick<TrainerProgress, 'lastCheckpoint' | 'lastSample'> = {};
  /** The checkpoint a divergence goes back to: the last one this run wrote or resumed from. */
  private goodCheckpoint: string | undefined;
  private readonly quality: QualityWatch | undefined;
  private lastQualityAt: number;

  private constructor(
    private gan: GanState,
    private dataset: DatasetCache,
    private readonly rng: Rng,
    private readonly settings: TrainerSettings,
    private divergence: DivergenceState,
  ) {
    this.now = settings.now ?? Date.now;
    this.sampler = new BatchSampler(dataset, rng);
    this.lastCheckpointAt = this.now();
    this.lastSampleAt = this.now();
    this.lastCheckpointStep = gan.step;
    this.lastSampleStep = gan.step;
    // The first score comes with the first checkpoint after one period, like the later ones.
    this.lastQualityAt = this.now();
    this.quality = settings.qualityEveryMs
      ? new QualityWatch({
          checkpointsDir: settings.checkpointsDir,
          modelsDir: settings.modelsDir,
          images: settings.qualityImages ?? 256,
          ...(settings.qualityInputPx === undefined ? {} : { inputPx: settings.qualityInputPx }),
          logger: settings.logger,
        })
      : undefined;
  }

  /** Resumes from `loaded` when given, else starts fresh networks from `freshConfig`. */
  static open(
    settings: TrainerSettings,
    dataset: DatasetCache,
    freshConfig: GanConfig,
    loaded?: LoadedCheckpoint,
  ): Trainer {
    const gan = loaded ? restoreGan(loaded) : createGan(freshConfig, settings.seed);
    if (dataset.manifest.sizePx !== gan.config.sizePx) {
      disposeGan(gan);
      throw new Error(
        `the dataset holds ${dataset.manifest.sizePx} px images but the model trains at ${gan.config.sizePx} px; ` +
          'rebuild the dataset at that size (nightmask dataset --size N) or retrain from scratch',
      );
    }
    const divergence = readDivergenceState(settings.checkpointsDir, loaded, settings.logger);
    if (divergence.stoppedForGood) {
      disposeGan(gan);
      throw new TrainingDivergedError(divergence.stoppedForGood.reason);
    }
    scaleLearningRate(gan, divergence.learningRateScale);
    const rng = new Rng(loaded ? loaded.manifest.rngState : settings.seed);
    const trainer = new Trainer(gan, dataset, rng, settings, divergence);
    if (loaded) {
      trainer.goodCheckpoint = loaded.path;
      trainer.info.lastCheckpoint = {
        step: loaded.manifest.step,
        id: loaded.manifest.id,
        path: loaded.path,
        at: loaded.manifest.createdAt,
      };
      settings.logger.info({ step: gan.step, checkpoint: loaded.path }, 'resumed from checkpoint');
      const trainedOn = loaded.manifest.trainer.datasetId;
      if (trainedOn !== undefined && trainedOn !== datasetId(dataset)) {
        settings.logger.warn(
          { images: dataset.manifest.count, source: dataset.manifest.source.kind },
          'the data set changed since this checkpoint: fine-tuning the trained networks on it ' +
            '(start with --fresh to train new networks from scratch instead)',
        );
      }
    } else {
      settings.logger.info({ config: gan.config }, 'starting a new run');
    }
    return trainer;
  }

  get step(): number {
    return this.gan.step;
  }

  get config(): GanConfig {
    return this.gan.config;
  }

  /**
   * One training step, then a sample grid and a checkpoint if either is due; says which were written.
   * A step that leaves a loss or a weight non-finite is not kept: the run rolls back (`rolledBack`),
   * or, out of rollbacks, throws TrainingDivergedError.
   */
  async trainOnce(): Promise<{ checkpoint?: WrittenCheckpoint; samplePath?: string; rolledBack?: Rollback }> {
    const started = this.now();
    const real = this.sampler.next(this.gan.config.batchSize);
    const losses = (this.settings.trainStep ?? trainStep)(this.gan, real, this.rng);
    real.dispose();
    const checksum = stateChecksum(this.gan);
    const [d, g, sum] = await Promise.all([
      losses.discriminator.data(),
      losses.generator.data(),
      checksum.data(),
    ]);
    tf.dispose([losses.discriminator, losses.generator, checksum]);
    const broken = [
      ...(Number.isFinite(d[0]) && Number.isFinite(g[0]) ? [] : [`losses ${d[0]}, ${g[0]}`]),
      ...(Number.isFinite(sum[0]) ? [] : ['weights']),
    ];
    if (broken.length > 0) return { rolledBack: await this.rollBack(broken.join(' and ')) };
    this.losses = { discriminator: d[0] as number, generator: g[0] as number };

    const seconds = Math.max(1e-6, (this.now() - started) / 1000);
    const rate = this.gan.config.batchSize / seconds;
    this.imagesPerSecond = this.imagesPerSecond === 0 ? rate : 0.9 * this.imagesPerSecond + 0.1 * rate;
    this.watchTensors();
    await this.logLosses();

    const now = this.now();
    const { checkpointEverySteps, checkpointEveryMs, sampleEverySteps, sampleEveryMs } = this.settings;
    const written: { checkpoint?: WrittenCheckpoint; samplePath?: string } = {};
    if (this.step - this.lastSampleStep >= sampleEverySteps || now - this.lastSampleAt >= sampleEveryMs) {
      written.samplePath = await this.writeSampleGrid();
    }
    if (
      this.step - this.lastCheckpointStep >= checkpointEverySteps ||
      now - this.lastCheckpointAt >= checkpointEveryMs
    ) {
      written.checkpoint = await this.checkpoint();
      if (this.quality && now - this.lastQualityAt >= (this.settings.qualityEveryMs ?? 0)) {
        await this.quality.score(this.gan.ema, this.gan.config, this.dataset, written.checkpoint);
        this.lastQualityAt = this.now();
        // The first score loads the feature network, whose weights stay: count from here on.
        this.tensorBaseline = undefined;
      }
    }
    return written;
  }

  /** Writes a checkpoint now; refuses (throws) rather than save a state that is not finite. */
  async checkpoint(): Promise<WrittenCheckpoint> {
    const tensors = await snapshotGan(this.gan);
    const bad = firstNonFinite(tensors);
    if (bad !== undefined) {
      throw new Error(`refusing to checkpoint step ${this.step}: tensor '${bad}' is not finite`);
    }
    const recovered = recoveredState(
      this.divergence,
      this.gan.step,
      this.settings.recoveredAfterSteps ?? RECOVERED_AFTER_STEPS,
    );
    if (recovered) {
      this.divergence = recovered;
      await writeDivergenceState(this.settings.checkpointsDir, recovered);
      this.settings.logger.info(
        { step: this.step, learningRate: this.gan.gOptimizer.learningRate },
        'training has been healthy since its last divergence: the rollback count starts over',
      );
    }
    const info = await writeCheckpoint(
      this.settings.checkpointsDir,
      {
        step: this.gan.step,
        createdAt: new Date(this.now()).toISOString(),
        config: this.gan.config,
        versions: { nightmask: packageVersion, tfjs: tf.version.tfjs, node: process.version },
        backend: this.settings.backend.name,
        optimizerSteps: { generator: this.gan.gOptimizer.step, discriminator: this.gan.dOptimizer.step },
        rngState: this.rng.snapshot,
        trainer: {
          datasetImages: this.dataset.manifest.count,
          datasetId: datasetId(this.dataset),
          losses: this.losses,
          divergence: this.divergence,
        },
      },
      tensors,
      { logger: this.settings.logger },
    );
    this.lastCheckpointAt = this.now();
    this.lastCheckpointStep = this.gan.step;
    this.goodCheckpoint = info.path;
    this.info.lastCheckpoint = {
      step: info.step,
      id: info.id,
      path: info.path,
      at: new Date(this.now()).toISOString(),
    };
    this.settings.logger.info({ step: info.step, path: info.path }, 'checkpoint saved');
    return info;
  }

  /** Renders the fixed-seed grid with the EMA generator to samples/step-N.png and samples/latest.png. */
  async writeSampleGrid(): Promise<string> {
    const { config } = this.gan;
    const latents = SAMPLE_SEEDS.map((seed) => latentFromSeed(seed, config.latentDim));
    const images = await renderLatents(this.gan.ema, config, latents);
    const png = await encodeGrid(images, config.sizePx, { columns: 4, cellPx: 128 });
    await mkdir(this.settings.samplesDir, { recursive: true });
    const path = join(this.settings.samplesDir, `step-${String(this.step).padStart(9, '0')}.png`);
    await writeFileAtomic(path, png);
    await writeFileAtomic(join(this.settings.samplesDir, 'latest.png'), png);
    this.lastSampleAt = this.now();
    this.lastSampleStep = this.step;
    this.info.lastSample = { step: this.step, path, at: new Date(this.now()).toISOString() };
    this.settings.logger.info({ step: this.step, path }, 'sample grid written');
    return path;
  }

  /**
   * Starts over with new networks (`scratch`) or keeps the weights on a new dataset (`finetune`).
   * New networks are a new run: full learning rate, no rollbacks, nothing of the old run to go back to.
   */
  async restart(mode: 'scratch' | 'finetune', dataset: DatasetCache, freshConfig: GanConfig): Promise<void> {
    if (mode === 'scratch') {
      // The old run's checkpoints go to models/archive/ as with --fresh: left in place, they would
      // outrank the new run's (pruning keeps the highest steps) and a restart would resume the old run.
      await setAsideCheckpoints(this.settings, this.settings.logger);
      await mkdir(this.settings.checkpointsDir, { recursive: true });
      disposeGan(this.gan);
      this.gan = createGan(freshConfig, this.settings.seed + this.step + 1);
      this.lastCheckpointStep = 0;
      this.lastSampleStep = 0;
      this.goodCheckpoint = undefined;
      this.divergence = healthyState;
      await writeDivergenceState(this.settings.checkpointsDir, healthyState);
      await this.quality?.reset();
    }
    if (dataset.manifest.sizePx !== this.gan.config.sizePx) {
      throw new Error(
        `the new dataset is ${dataset.manifest.sizePx} px, the model ${this.gan.config.sizePx} px`,
      );
    }
    this.dataset = dataset;
    this.sampler = new BatchSampler(dataset, this.rng);
    this.quality?.forgetDataset();
    this.tensorBaseline = undefined;
  }

  progress(paused: boolean): TrainerProgress {
    return {
      step: this.step,
      imagesPerSecond: Math.round(this.imagesPerSecond * 100) / 100,
      discriminatorLoss: this.losses.discriminator,
      generatorLoss: this.losses.generator,
      backend: this.settings.backend.name,
      device: this.settings.backend.device,
      sizePx: this.gan.config.sizePx,
      width: this.gan.config.width,
      batchSize: this.gan.config.batchSize,
      datasetImages: this.dataset.manifest.count,
      trainImages: this.sampler.size,
      learningRate: this.gan.gOptimizer.learningRate,
      rollbacks: { used: this.divergence.rollbacks, max: MAX_ROLLBACKS },
      ...(this.quality?.progress ? { quality: this.quality.progress } : {}),
      paused,
      ...this.info,
      updatedAt: new Date(this.now()).toISOString(),
    };
  }

  dispose(): void {
    disposeGan(this.gan);
    this.quality?.dispose();
  }

  /**
   * Throws away the diverged state for the last good checkpoint on disk (new networks when there is
   * none), at half the learning rate. The new count and rate are saved before anything else, so that
   * a crash half-way cannot grant the run an extra try. The random stream is not rewound: the retry
   * sees other batches than the ones that blew up.
   */
  private async rollBack(what: string): Promise<Rollback> {
    const divergedAtStep = this.step;
    const { logger, checkpointsDir } = this.settings;
    if (this.divergence.rollbacks >= MAX_ROLLBACKS) {
      const reason = stoppedMessage(divergedAtStep, this.gan.gOptimizer.learningRate);
      const stoppedForGood = { step: divergedAtStep, at: new Date(this.now()).toISOString(), reason };
      this.divergence = { ...this.divergence, lastDivergedAtStep: divergedAtStep, stoppedForGood };
      await writeDivergenceState(checkpointsDir, this.divergence);
      throw new TrainingDivergedError(reason);
    }
    this.divergence = {
      learningRateScale: this.divergence.learningRateScale / 2,
      rollbacks: this.divergence.rollbacks + 1,
      lastDivergedAtStep: divergedAtStep,
    };
    await writeDivergenceState(checkpointsDir, this.divergence);

    const loaded = this.goodCheckpoint ? await readGoodCheckpoint(this.goodCheckpoint, logger) : undefined;
    const restored = loaded
      ? restoreGan(loaded)
      : createGan(this.gan.config, this.settings.seed + divergedAtStep);
    disposeGan(this.gan);
    this.gan = restored;
    scaleLearningRate(this.gan, this.divergence.learningRateScale);
    if (!loaded) this.goodCheckpoint = undefined;
    this.lastCheckpointStep = this.gan.step;
    this.lastSampleStep = Math.min(this.lastSampleStep, this.gan.step);

    const rollback = {
      divergedAtStep,
      toStep: this.gan.step,
      learningRate: this.gan.gOptimizer.learningRate,
      attempt: this.divergence.rollbacks,
    };
    const where = loaded
      ? `rolled back to step ${rollback.toStep}`
      : 'no good checkpoint to go back to, started new networks';
    const rate = rollback.learningRate.toExponential(1);
    logger.warn(
      { ...rollback, maxRollbacks: MAX_ROLLBACKS, diverged: what, checkpoint: loaded?.path },
      `training diverged at step ${divergedAtStep}: ${where}, learning rate now ${rate} ` +
        `(try ${rollback.attempt} of ${MAX_ROLLBACKS})`,
    );
    return rollback;
  }

  /**
   * Appends the step's losses and speed to losses.jsonl: every step while steps are slow, at most
   * every few seconds once they are fast, so the file grows by a few MB a day at most.
   */
  private async logLosses(): Promise<void> {
    const now = this.now();
    if (now - this.lastLossLogAt < 5000 && this.step % 100 !== 0) return;
    this.lastLossLogAt = now;
    const line = {
      step: this.step,
      at: new Date(now).toISOString(),
      discriminatorLoss: this.losses.discriminator,
      generatorLoss: this.losses.generator,
      imagesPerSecond: Math.round(this.imagesPerSecond * 100) / 100,
    };
    await mkdir(this.settings.modelsDir, { recursive: true });
    await appendFile(join(this.settings.modelsDir, 'losses.jsonl'), `${JSON.stringify(line)}\n`);
  }

  /** Tensors must not pile up between steps; a leak would end the run out of memory days later. */
  private watchTensors(): void {
    const count = tf.memory().numTensors;
    if (this.tensorBaseline === undefined) {
      this.tensorBaseline = count;
      return;
    }
    if (count > this.tensorBaseline && !this.leakWarned) {
      this.leakWarned = true;
      this.settings.logger.warn(
        { tensors: count, baseline: this.tensorBaseline, step: this.step },
        'tensor count grew between training steps: memory is leaking',
      );
    }
  }
}

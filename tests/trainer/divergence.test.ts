import { mkdtemp, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLatestCheckpoint, readCheckpoint } from '../../src/checkpoint/store.js';
import { loadConfig } from '../../src/config/config.js';
import type { DatasetCache } from '../../src/dataset/cache.js';
import type { GanState } from '../../src/gan/gan.js';
import type { Rng } from '../../src/gan/random.js';
import { trainStep } from '../../src/gan/step.js';
import { type Tensor, tf } from '../../src/gan/tf.js';
import { createLogger, silentLogger } from '../../src/log/logger.js';
import { DIVERGENCE_FILE, TrainingDivergedError } from '../../src/trainer/divergence.js';
import { resumePoint } from '../../src/trainer/run-setup.js';
import { Trainer, type TrainerSettings } from '../../src/trainer/trainer.js';
import { saveFreshCheckpoint } from '../support/checkpoint.js';
import { writeTinyDataset } from '../support/tiny-dataset.js';
import { tinyConfig } from '../support/tiny-gan.js';

let root: string;
let dataset: DatasetCache;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightmask-divergence-'));
  dataset = await writeTinyDataset(join(root, 'dataset'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const checkpointsDir = () => join(root, 'checkpoints');
const baseRate = tinyConfig.learningRate;

/**
 * The real training step, except that the calls numbered in `poisoned` (1-based, counting every
 * call, retries included) leave a generator weight at NaN, as an exploding update would. It also
 * records the step size each call trained with, read from the Adam state the step really uses.
 */
function divergingStep(poisoned: number[]) {
  const rates: number[] = [];
  let calls = 0;
  const step = (state: GanState, real: Tensor, rng: Rng) => {
    calls += 1;
    rates.push(state.gOptimizer.learningRate, state.dOptimizer.learningRate);
    const losses = trainStep(state, real, rng);
    if (poisoned.includes(calls)) {
      const [first] = state.generator.params.values();
      tf.tidy(() => first?.assign(tf.fill(first.shape, Number.NaN)));
    }
    return losses;
  };
  return { step, rates };
}

function settings(overrides: Partial<TrainerSettings> = {}): TrainerSettings {
  return {
    checkpointsDir: checkpointsDir(),
    samplesDir: join(root, 'samples'),
    modelsDir: root,
    backend: { name: 'cpu', device: 'test', gpu: false, candidates: [] },
    seed: 1,
    checkpointEverySteps: 2,
    checkpointEveryMs: 3_600_000,
    sampleEverySteps: 1000,
    sampleEveryMs: 3_600_000,
    logger: silentLogger,
    ...overrides,
  };
}

async function divergenceRecord(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(checkpointsDir(), DIVERGENCE_FILE), 'utf8'));
}

describe('rolling back after a divergence', () => {
  it('given a NaN weight after a checkpoint, then networks, EMA and Adam come back exactly, at half the rate', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (l: string) => lines.push(l) } });
    const { step, rates } = divergingStep([3]);
    const trainer = Trainer.open(settings({ trainStep: step, logger }), dataset, tinyConfig);
    await trainer.trainOnce();
    const saved = (await trainer.trainOnce()).checkpoint;
    expect(saved?.step).toBe(2);
    const before = await readCheckpoint(saved?.path as string);
    const tensors = tf.memory().numTensors;

    const result = await trainer.trainOnce();

    expect(result).toEqual({
      rolledBack: { divergedAtStep: 3, toStep: 2, learningRate: baseRate / 2, attempt: 1 },
    });
    expect(trainer.step).toBe(2);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(trainer.progress(false)).toMatchObject({
      learningRate: baseRate / 2,
      rollbacks: { used: 1, max: 3 },
    });
    // Progress goes to the parent as JSON, where NaN turns to null: the dropped step's losses are not shown.
    expect(Number.isFinite(trainer.progress(false).discriminatorLoss)).toBe(true);
    const warning = JSON.parse(lines.at(-1) as string);
    expect(warning).toMatchObject({ level: 40, divergedAtStep: 3, toStep: 2, attempt: 1, maxRollbacks: 3 });
    expect(warning.msg).toMatch(
      /diverged at step 3: rolled back to step 2, learning rate now 1\.0e-4 \(try 1 of 3\)/,
    );

    // Saving the restored state again gives the same bytes: every tensor, moments too, is the checkpoint's.
    const again = await trainer.checkpoint();
    const after = await readCheckpoint(again.path);
    expect(after.manifest.weightsSha256).toBe(before.manifest.weightsSha256);
    expect(after.manifest.optimizerSteps).toEqual(before.manifest.optimizerSteps);
    expect(after.manifest.trainer.divergence).toEqual({
      learningRateScale: 0.5,
      rollbacks: 1,
      lastDivergedAtStep: 3,
    });

    // The retry trains with the halved rate in both optimizers.
    await trainer.trainOnce();
    expect(rates).toEqual([...Array(6).fill(baseRate), baseRate / 2, baseRate / 2]);
    trainer.dispose();
  });

  it('given NaN losses before the first checkpoint, then new networks start at half the step size and nothing is saved', async () => {
    const nanLosses = (state: GanState, real: Tensor, rng: Rng) => {
      const losses = trainStep(state, real, rng);
      tf.dispose([losses.discriminator, losses.generator]);
      return { discriminator: tf.scalar(Number.NaN), generator: tf.scalar(0) };
    };
    const trainer = Trainer.open(
      settings({ trainStep: nanLosses, checkpointEverySteps: 100 }),
      dataset,
      tinyConfig,
    );

    const result = await trainer.trainOnce();

    expect(result.rolledBack).toEqual({
      divergedAtStep: 1,
      toStep: 0,
      learningRate: baseRate / 2,
      attempt: 1,
    });
    expect(trainer.step).toBe(0);
    expect(await readdir(checkpointsDir())).toEqual([DIVERGENCE_FILE]);
    trainer.dispose();
  });

  it('given a crash after a rollback, before any checkpoint, then the restarted trainer keeps the rate and the count', async () => {
    const first = divergingStep([3]);
    const crashed = Trainer.open(settings({ trainStep: first.step }), dataset, tinyConfig);
    for (let i = 0; i < 3; i++) await crashed.trainOnce();
    crashed.dispose();

    const loaded = await loadLatestCheckpoint(checkpointsDir());
    // The checkpoint predates the rollback; divergence.json, written at the rollback, wins.
    expect(loaded?.manifest.trainer.divergence).toEqual({ learningRateScale: 1, rollbacks: 0 });
    const second = divergingStep([1]);
    const restarted = Trainer.open(settings({ trainStep: second.step }), dataset, tinyConfig, loaded);
    expect(restarted.progress(false)).toMatchObject({
      step: 2,
      learningRate: baseRate / 2,
      rollbacks: { used: 1, max: 3 },
    });

    const result = await restarted.trainOnce();

    expect(result.rolledBack).toEqual({
      divergedAtStep: 3,
      toStep: 2,
      learningRate: baseRate / 4,
      attempt: 2,
    });
    expect(await divergenceRecord()).toEqual({
      learningRateScale: 0.25,
      rollbacks: 2,
      lastDivergedAtStep: 3,
    });
    restarted.dispose();
  });

  it('given no divergence.json, then the checkpoint’s copy counts; a checkpoint without one trains at full rate', async () => {
    const { step } = divergingStep([3]);
    const trainer = Trainer.open(settings({ trainStep: step }), dataset, tinyConfig);
    for (let i = 0; i < 5; i++) await trainer.trainOnce();
    trainer.dispose();
    await unlink(join(checkpointsDir(), DIVERGENCE_FILE));

    const loaded = await loadLatestCheckpoint(checkpointsDir());
    expect(loaded?.manifest.step).toBe(4);
    const resumed = Trainer.open(settings(), dataset, tinyConfig, loaded);
    expect(resumed.progress(false)).toMatchObject({
      learningRate: baseRate / 2,
      rollbacks: { used: 1, max: 3 },
    });
    resumed.dispose();

    const oldDir = join(root, 'old-checkpoints');
    await saveFreshCheckpoint(oldDir, { step: 9 });
    const old = await loadLatestCheckpoint(oldDir);
    const fromOld = Trainer.open(settings({ checkpointsDir: oldDir }), dataset, tinyConfig, old);
    expect(fromOld.progress(false)).toMatchObject({
      step: 9,
      learningRate: baseRate,
      rollbacks: { used: 0, max: 3 },
    });
    fromOld.dispose();
  });

  it('given a divergence after three rollbacks, then training stops for good and stays stopped until --fresh', async () => {
    // Every retry blows up again right after the checkpoint at step 2.
    const { step, rates } = divergingStep([3, 4, 5, 6]);
    const trainer = Trainer.open(settings({ trainStep: step }), dataset, tinyConfig);
    await trainer.trainOnce();
    await trainer.trainOnce();
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push((await trainer.trainOnce()).rolledBack?.attempt);
    expect(attempts).toEqual([1, 2, 3]);

    const stop = trainer.trainOnce();

    await expect(stop).rejects.toBeInstanceOf(TrainingDivergedError);
    await expect(stop).rejects.toThrow(/after 3 rollbacks .* To train again, restart nightmask with --fresh/);
    expect(rates.at(-1)).toBe(baseRate / 8);
    expect(await divergenceRecord()).toMatchObject({
      rollbacks: 3,
      learningRateScale: 0.125,
      stoppedForGood: { step: 3 },
    });
    expect((await readdir(checkpointsDir())).sort()).toEqual([DIVERGENCE_FILE, 'step-000000002']);
    trainer.dispose();

    const loaded = await loadLatestCheckpoint(checkpointsDir());
    const before = tf.memory().numTensors;
    expect(() => Trainer.open(settings(), dataset, tinyConfig, loaded)).toThrow(TrainingDivergedError);
    expect(tf.memory().numTensors).toBe(before);

    const config = loadConfig({ NIGHTMASK_MODELS_DIR: root }, root);
    expect(config.paths.checkpointsDir).toBe(checkpointsDir());
    const fresh = await resumePoint(config, settings().backend, silentLogger, { fresh: true });
    const renewed = Trainer.open(settings(), dataset, fresh.ganConfig, fresh.loaded);
    expect(renewed.progress(false)).toMatchObject({
      step: 0,
      learningRate: baseRate,
      rollbacks: { used: 0, max: 3 },
    });
    renewed.dispose();
  });

  it('given a run that diverged before its first checkpoint, then --fresh sets its record aside too', async () => {
    const { step } = divergingStep([1]);
    const trainer = Trainer.open(
      settings({ trainStep: step, checkpointEverySteps: 100 }),
      dataset,
      tinyConfig,
    );
    await trainer.trainOnce();
    trainer.dispose();

    const config = loadConfig({ NIGHTMASK_MODELS_DIR: root }, root);
    await resumePoint(config, settings().backend, silentLogger, { fresh: true });

    const renewed = Trainer.open(settings(), dataset, tinyConfig);
    expect(renewed.progress(false)).toMatchObject({ learningRate: baseRate, rollbacks: { used: 0, max: 3 } });
    renewed.dispose();
  });

  it('given a healthy stretch after a rollback, then the count starts over and the step size stays small', async () => {
    const { step, rates } = divergingStep([3]);
    const trainer = Trainer.open(settings({ trainStep: step, recoveredAfterSteps: 3 }), dataset, tinyConfig);
    for (let i = 0; i < 3; i++) await trainer.trainOnce();
    expect(trainer.progress(false)).toMatchObject({ step: 2, rollbacks: { used: 1, max: 3 } });

    // Step 4's checkpoint is too soon after the divergence at step 3; step 6's is three steps past it.
    await trainer.trainOnce();
    expect((await trainer.trainOnce()).checkpoint?.step).toBe(4);
    expect(trainer.progress(false).rollbacks?.used).toBe(1);
    await trainer.trainOnce();
    expect((await trainer.trainOnce()).checkpoint?.step).toBe(6);

    expect(trainer.progress(false)).toMatchObject({
      rollbacks: { used: 0, max: 3 },
      learningRate: baseRate / 2,
    });
    expect(await divergenceRecord()).toEqual({ learningRateScale: 0.5, rollbacks: 0, lastDivergedAtStep: 3 });
    expect(rates.at(-1)).toBe(baseRate / 2);
    trainer.dispose();
  });

  it('given a retrain from scratch, then the new run starts at full step size with no rollbacks', async () => {
    const { step } = divergingStep([3]);
    const trainer = Trainer.open(settings({ trainStep: step }), dataset, tinyConfig);
    for (let i = 0; i < 3; i++) await trainer.trainOnce();
    await trainer.restart('scratch', dataset, tinyConfig);
    expect(trainer.progress(false)).toMatchObject({
      step: 0,
      learningRate: baseRate,
      rollbacks: { used: 0, max: 3 },
    });
    expect(await divergenceRecord()).toEqual({ learningRateScale: 1, rollbacks: 0 });
    trainer.dispose();
  });
});

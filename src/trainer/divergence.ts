/**
 * What the trainer does when training diverges, that is when a loss or a weight stops being a finite
 * number: it goes back to the last good checkpoint at half the learning rate, up to MAX_ROLLBACKS
 * times, and then stops for good. The pieces here are the run's divergence record, kept on disk so
 * that a crash or a restart cannot forget a rollback, the checks for non-finite state, and the
 * choice of the checkpoint to go back to.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type LoadedCheckpoint, readCheckpoint } from '../checkpoint/store.js';
import type { GanState } from '../gan/gan.js';
import { namedVariables } from '../gan/net.js';
import { tf } from '../gan/tf.js';
import type { Logger } from '../log/logger.js';
import { writeFileAtomic } from '../util/atomic.js';

/** Rollbacks one run gets; the divergence after the last of them ends training. */
export const MAX_ROLLBACKS = 3;

/**
 * Healthy steps past the step that last diverged after which a run counts as recovered and its
 * rollback count starts again from zero. MAX_ROLLBACKS is meant to catch a run that keeps blowing up
 * near the same point; a run that trains well for this long and then diverges once more, days later
 * on the bot's long schedule, gets its three tries again. The learning rate is never raised back:
 * the smaller step size is what made the run healthy.
 */
export const RECOVERED_AFTER_STEPS = 10_000;

/** Kept beside the checkpoints, so that `--fresh` moves it to the archive with the run it belongs to. */
export const DIVERGENCE_FILE = 'divergence.json';

const divergenceStateSchema = z.object({
  /** Multiplies the recipe's learning rate (GanConfig.learningRate); halved by every rollback. */
  learningRateScale: z.number().positive().max(1),
  /** Rollbacks since the run started, or since it last recovered. */
  rollbacks: z.number().int().nonnegative(),
  lastDivergedAtStep: z.number().int().nonnegative().optional(),
  /** Set when the run ran out of rollbacks: the trainer refuses to continue it. */
  stoppedForGood: z
    .object({ step: z.number().int().nonnegative(), at: z.string(), reason: z.string() })
    .optional(),
});

export type DivergenceState = z.infer<typeof divergenceStateSchema>;

export const healthyState: DivergenceState = Object.freeze({ learningRateScale: 1, rollbacks: 0 });

/** Training diverged and ran out of rollbacks; restarting the same run will not help. */
export class TrainingDivergedError extends Error {
  override readonly name = 'TrainingDivergedError';
}

/**
 * The run's divergence record: divergence.json when it is there, else the copy in the checkpoint
 * the run resumes from (checkpoints written before rollbacks existed have none: a healthy run).
 * Synchronous because it is read once, while the trainer opens, from a file of a few lines.
 */
export function readDivergenceState(
  checkpointsDir: string,
  loaded: LoadedCheckpoint | undefined,
  logger: Logger,
): DivergenceState {
  const path = join(checkpointsDir, DIVERGENCE_FILE);
  try {
    return divergenceStateSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.warn({ err, path }, 'unreadable divergence record: using the checkpoint’s copy');
    }
  }
  const copy = divergenceStateSchema.safeParse(loaded?.manifest.trainer.divergence);
  return copy.success ? copy.data : healthyState;
}

export async function writeDivergenceState(checkpointsDir: string, state: DivergenceState): Promise<void> {
  await mkdir(checkpointsDir, { recursive: true });
  await writeFileAtomic(join(checkpointsDir, DIVERGENCE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

/** Sets both optimizers' step size to the recipe's times `scale`. */
export function scaleLearningRate(gan: GanState, scale: number): void {
  gan.gOptimizer.learningRate = gan.config.learningRate * scale;
  gan.dOptimizer.learningRate = gan.config.learningRate * scale;
}

/**
 * A scalar that is finite exactly when every weight, EMA weight, running statistic and Adam moment
 * is: a NaN or an infinity anywhere survives the sum. One reduction per variable costs a small
 * fraction of a training step and catches the update that broke a weight before anything saves it.
 */
export function stateChecksum(gan: GanState): tf.Scalar {
  const variables = [
    ...namedVariables(gan.generator),
    ...namedVariables(gan.discriminator),
    ...namedVariables(gan.ema),
  ].map(([, v]) => v);
  for (const adam of [gan.gOptimizer, gan.dOptimizer]) variables.push(...adam.m.values(), ...adam.v.values());
  return tf.tidy(() => tf.addN(variables.map((v) => tf.sum(v))) as tf.Scalar);
}

/** The name of the first tensor holding a NaN or an infinity, or undefined when all are finite. */
export function firstNonFinite(
  tensors: Iterable<{ name: string; values: Float32Array }>,
): string | undefined {
  for (const t of tensors) {
    for (const x of t.values) if (!Number.isFinite(x)) return t.name;
  }
  return undefined;
}

/**
 * The checkpoint at `path` when it reads back intact and every value in it is finite; undefined
 * otherwise, with the reason logged, and the caller starts new networks instead.
 */
export async function readGoodCheckpoint(
  path: string,
  logger: Logger,
): Promise<LoadedCheckpoint | undefined> {
  let loaded: LoadedCheckpoint;
  try {
    loaded = await readCheckpoint(path);
  } catch (err) {
    logger.warn({ err, path }, 'cannot roll back to this checkpoint: it does not read back');
    return undefined;
  }
  const bad = firstNonFinite([...loaded.tensors].map(([name, t]) => ({ name, values: t.values })));
  if (bad !== undefined) {
    logger.warn(
      { path, tensor: bad },
      'cannot roll back to this checkpoint: it holds values that are not finite',
    );
    return undefined;
  }
  return loaded;
}

/** The record once a checkpoint at `step` shows the run recovered; undefined when nothing changes. */
export function recoveredState(
  state: DivergenceState,
  step: number,
  afterSteps: number,
): DivergenceState | undefined {
  if (state.rollbacks === 0 || step < (state.lastDivergedAtStep ?? 0) + afterSteps) return undefined;
  return { ...state, rollbacks: 0 };
}

/** Why training stopped for good, worded for `/train status` and the log: what happened and what to do. */
export function stoppedMessage(step: number, learningRate: number): string {
  return (
    `the networks diverged again at step ${step} (losses or weights no longer finite numbers) after ` +
    `${MAX_ROLLBACKS} rollbacks to the last good checkpoint, each at half the learning rate ` +
    `(down to ${learningRate.toExponential(1)}). To train again, restart nightmask with --fresh: ` +
    'it starts new networks and moves this run’s checkpoints to models/archive/'
  );
}

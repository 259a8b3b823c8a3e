/**
 * Messages between the long-running process and its trainer child, over Node's IPC channel.
 * Every message is a plain object with a `type`, so both sides can validate what they receive.
 */

/** The trainer's latest numbers, as the parent, `/train status` and status.json show them. */
export interface TrainerProgress {
  step: number;
  imagesPerSecond: number;
  discriminatorLoss: number;
  generatorLoss: number;
  backend: string;
  device: string;
  sizePx: number;
  width: number;
  batchSize: number;
  /** Images in the dataset cache, and how many of them are in the training split (the rest are held out). */
  datasetImages: number;
  trainImages: number;
  /** The step size now: the recipe's, halved by every rollback after a divergence. */
  learningRate?: number;
  /** Rollbacks after a divergence since the run started or last recovered; out of them, training stops. */
  rollbacks?: { used: number; max: number };
  /** The latest quality score (KID of the EMA generator against the training images) and the best so far. */
  quality?: QualityProgress;
  paused: boolean;
  lastCheckpoint?: { step: number; id: string; path: string; at: string };
  lastSample?: { step: number; path: string; at: string };
  updatedAt: string;
}

/** One quality score of a checkpoint, as status.json and /train status show it. */
export interface QualitySnapshot {
  step: number;
  checkpointId: string;
  kid: number;
  kidStderr: number;
  /** Nearest-training-image distance against held-out images'; well below 1 means copying. */
  nearestRatio: number | null;
}

export interface QualityProgress {
  latest: QualitySnapshot;
  best: QualitySnapshot;
}

export type ParentMessage =
  | { type: 'checkpoint' }
  | { type: 'pause' }
  | { type: 'resume' }
  /** `scratch` starts new networks; `finetune` reloads the dataset and keeps the current weights. */
  | { type: 'retrain'; mode: 'scratch' | 'finetune' }
  | { type: 'stop' };

export type ChildMessage =
  | { type: 'progress'; progress: TrainerProgress }
  | { type: 'checkpoint'; step: number; id: string; path: string }
  | { type: 'sample'; step: number; path: string }
  | { type: 'stopped'; step: number }
  /** `permanent`: restarting will not help (bad data, a locked folder); a person must fix something. */
  | { type: 'fatal'; message: string; permanent: boolean };

const parentTypes = new Set(['checkpoint', 'pause', 'resume', 'retrain', 'stop']);

export function isParentMessage(value: unknown): value is ParentMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !parentTypes.has(type)) return false;
  if (type === 'retrain') {
    const mode = (value as { mode?: unknown }).mode;
    return mode === 'scratch' || mode === 'finetune';
  }
  return true;
}

import { z } from 'zod';
import { ganConfigSchema } from '../gan/config.js';

/** Bump when the layout changes; readers refuse versions they do not know. */
export const CHECKPOINT_FORMAT_VERSION = 1;

const tensorEntry = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.literal('float32'),
  /** Byte offset into weights.bin. */
  offset: z.number().int().nonnegative(),
  byteLength: z.number().int().nonnegative(),
});

/**
 * checkpoint.json: everything needed to rebuild and continue the run that wrote weights.bin.
 * Tensor names are '<part>/<stable name>', parts being generator, discriminator, ema,
 * gOptimizer.m, gOptimizer.v, dOptimizer.m and dOptimizer.v.
 */
export const checkpointManifestSchema = z.object({
  formatVersion: z.literal(CHECKPOINT_FORMAT_VERSION),
  id: z.string(),
  step: z.number().int().nonnegative(),
  createdAt: z.string(),
  config: ganConfigSchema,
  versions: z.object({ nightmask: z.string(), tfjs: z.string(), node: z.string() }),
  backend: z.string(),
  optimizerSteps: z.object({ generator: z.number().int(), discriminator: z.number().int() }),
  /** State of the trainer's random stream, so a resumed run does not replay the same batches. */
  rngState: z.number().int(),
  /** Anything the training loop wants back on resume (images seen, losses, dataset id). */
  trainer: z.record(z.string(), z.unknown()),
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/),
  weightsByteLength: z.number().int().nonnegative(),
  tensors: z.array(tensorEntry),
});

export type CheckpointManifest = z.infer<typeof checkpointManifestSchema>;
export type TensorEntry = z.infer<typeof tensorEntry>;

/** Folder name of a checkpoint; zero-padded so that names sort by step. */
export function checkpointDirName(step: number): string {
  return `step-${String(step).padStart(9, '0')}`;
}

export const CHECKPOINT_DIR_PATTERN = /^step-(\d{9})$/;

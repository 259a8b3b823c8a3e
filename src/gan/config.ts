import { z } from 'zod';

/**
 * Everything that decides the shape of the networks and the training recipe. It is stored in every
 * checkpoint, so that a checkpoint rebuilds exactly the networks that wrote it.
 */
export const ganConfigSchema = z
  .object({
    sizePx: z.union([z.literal(32), z.literal(64), z.literal(128)]),
    /** Base channel count; the generator starts at `width * sizePx / 8` channels and halves per block. */
    width: z.number().int().min(4).max(256),
    latentDim: z.number().int().min(8).max(512),
    batchSize: z.number().int().min(2).max(512),
    learningRate: z.number().positive().max(1),
    beta1: z.number().min(0).lt(1),
    beta2: z.number().min(0).lt(1),
    /** Decay of the exponential moving average of the generator's weights used for all generation. */
    emaDecay: z.number().min(0).lt(1),
    /** DiffAugment policies applied to real and fake images alike (Zhao et al. 2020). */
    augment: z.array(z.enum(['color', 'translation', 'cutout'])),
    /**
     * Skip-layer excitation in the generator (FastGAN, Liu et al. 2021): each block's features gate the
     * channels of the block two steps larger, so coarse layout steers fine texture. Checkpoints written
     * before it existed have none.
     */
    excitation: z.boolean().default(false),
  })
  .strict();

export type GanConfig = Readonly<z.infer<typeof ganConfigSchema>>;

export const defaultGanConfig: GanConfig = Object.freeze<GanConfig>({
  sizePx: 64,
  width: 64,
  latentDim: 128,
  batchSize: 32,
  learningRate: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  emaDecay: 0.999,
  augment: ['color', 'translation', 'cutout'],
  excitation: false,
});

/** Checks a config and returns it frozen; throws a ZodError that names the bad field. */
export function parseGanConfig(value: unknown): GanConfig {
  return Object.freeze(ganConfigSchema.parse(value));
}

/**
 * A mask id names one image for good: the checkpoint that drew it, the seed of its latent vector and
 * the weirdness. Form: `<checkpoint id>.<seed>.w<weirdness>`, e.g. `step-000001200-1a2b3c4d.42.w1`.
 * It contains no spaces or slashes, so it is safe in file names, embed footers and button ids.
 */
export interface MaskRef {
  checkpointId: string;
  seed: number;
  weirdness: number;
}

export function formatMaskId(ref: MaskRef): string {
  return `${ref.checkpointId}.${ref.seed}.w${ref.weirdness}`;
}

export function parseMaskId(id: string): MaskRef | undefined {
  const m = /^(step-\d{9}-[0-9a-f]{8})\.(\d{1,10})\.w(\d+(?:\.\d+)?)$/.exec(id.trim());
  if (!m) return undefined;
  return { checkpointId: m[1] as string, seed: Number(m[2]), weirdness: Number(m[3]) };
}

/** Seeds are 32-bit unsigned integers, so they survive JSON, SQLite and button ids unchanged. */
export const MAX_SEED = 0xffffffff;

export function randomSeed(): number {
  return Math.floor(Math.random() * MAX_SEED);
}

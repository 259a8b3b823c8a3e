/**
 * A mask id names one image for good: the checkpoint that drew it, the seed of its latent vector, the
 * weirdness, and for a variation the seed of the nudge. Form: `<checkpoint id>.<seed>.w<weirdness>` with
 * an optional `.n<nudge seed>`, e.g. `step-000001200-1a2b3c4d.42.w1` or `…42.w1.n7`. It holds no spaces
 * or slashes, so it is safe in file names, embed footers and button ids (at most about 60 characters).
 */
export interface LatentRef {
  seed: number;
  weirdness: number;
  /** A variation: the base latent moved a little in the direction drawn from this seed. */
  nudge?: number;
}

export interface MaskRef extends LatentRef {
  checkpointId: string;
}

export function formatMaskId(ref: MaskRef): string {
  const nudge = ref.nudge === undefined ? '' : `.n${ref.nudge}`;
  return `${ref.checkpointId}.${ref.seed}.w${ref.weirdness}${nudge}`;
}

const MASK_ID = /^(step-\d{9}-[0-9a-f]{8})\.(\d{1,10})\.w(\d+(?:\.\d+)?)(?:\.n(\d{1,10}))?$/;

export function parseMaskId(id: string): MaskRef | undefined {
  const m = MASK_ID.exec(id.trim());
  if (!m) return undefined;
  const ref: MaskRef = { checkpointId: m[1] as string, seed: Number(m[2]), weirdness: Number(m[3]) };
  if (m[4] !== undefined) ref.nudge = Number(m[4]);
  if (ref.seed > MAX_SEED || (ref.nudge ?? 0) > MAX_SEED) return undefined;
  return ref;
}

/** Seeds are 32-bit unsigned integers, so they survive JSON, SQLite and button ids unchanged. */
export const MAX_SEED = 0xffffffff;

export function randomSeed(): number {
  return Math.floor(Math.random() * MAX_SEED);
}

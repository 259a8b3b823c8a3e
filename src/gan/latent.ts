import { Rng } from './random.js';

/** Weirdness 1 is the training distribution; below it is tamer, above it stranger. */
export const WEIRDNESS_RANGE = Object.freeze({ min: 0, max: 3, default: 1 });

/**
 * The latent vector of one mask. It depends only on the seed, never on the backend, so a mask id
 * (checkpoint + seed) names one image for good. Weirdness below 1 is the truncation trick
 * (Brock et al. 2019): components are clamped to ±(2 * weirdness), trading variety for typical faces.
 * Above 1 the vector is scaled out of the region the generator was trained on, which is where the
 * stranger masks live.
 */
export function latentFromSeed(
  seed: number,
  latentDim: number,
  weirdness: number = WEIRDNESS_RANGE.default,
): Float32Array {
  const rng = new Rng(seed);
  const z = new Float32Array(latentDim);
  for (let i = 0; i < latentDim; i++) z[i] = rng.normal();
  if (weirdness < 1) {
    const limit = Math.max(2 * weirdness, 1e-3);
    for (let i = 0; i < latentDim; i++) z[i] = Math.max(-limit, Math.min(limit, z[i] as number));
  } else if (weirdness > 1) {
    for (let i = 0; i < latentDim; i++) z[i] = (z[i] as number) * weirdness;
  }
  return z;
}

/** How far a variation moves from its base latent, relative to the latent's own length. */
export const NUDGE_STRENGTH = 0.35;

/**
 * The latent of a variation: the base vector plus a small step drawn from `nudgeSeed`, so that a
 * variation looks like a cousin of its mask and is itself reproducible from its id.
 */
export function nudgedLatent(base: Float32Array, nudgeSeed: number): Float32Array {
  const rng = new Rng(nudgeSeed ^ 0x5bd1e995);
  return base.map((v) => v + NUDGE_STRENGTH * rng.normal());
}

/** Spherical interpolation (Shoemake 1985): walking a Gaussian latent along the sphere keeps every frame typical. */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  const cos = Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb || 1)));
  const omega = Math.acos(cos);
  if (omega < 1e-4) return a.map((v, i) => v + t * ((b[i] as number) - v));
  const sa = Math.sin((1 - t) * omega) / Math.sin(omega);
  const sb = Math.sin(t * omega) / Math.sin(omega);
  return a.map((v, i) => sa * v + sb * (b[i] as number));
}

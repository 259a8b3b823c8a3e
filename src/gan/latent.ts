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

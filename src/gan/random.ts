/**
 * Seeded randomness in plain JavaScript. Latent vectors come from here rather than from the backend's
 * RNG so that the same seed gives the same mask on every backend and every machine.
 */

/** A 32-bit generator (mulberry32): small, fast and good enough for noise and augmentation choices. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A fresh 32-bit seed, for backend ops that take one. */
  seed(): number {
    return Math.floor(this.next() * 0x7fffffff);
  }

  /** A standard normal sample (Box-Muller; the second value is dropped to keep the stream simple). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** The state, so a resumed run continues the same stream. */
  get snapshot(): number {
    return this.state;
  }
}

import type { DatasetCache } from '../dataset/cache.js';
import type { Rng } from '../gan/random.js';
import { tf } from '../gan/tf.js';

/**
 * Draws training batches from the dataset cache: uniform sampling with replacement over the training
 * split, with a random horizontal flip (faces and masks are close to symmetric, so it doubles the
 * data for free). Pixels go from bytes to [-1, 1], the range of the generator's tanh.
 */
export class BatchSampler {
  private readonly indices: number[];
  private readonly itemBytes: number;

  constructor(
    private readonly cache: DatasetCache,
    private readonly rng: Rng,
  ) {
    this.indices = cache.manifest.items.flatMap((item, i) => (item.split === 'train' ? [i] : []));
    // A tiny folder may put every character in the validation split; train on everything then.
    if (this.indices.length === 0) this.indices = cache.manifest.items.map((_, i) => i);
    this.itemBytes = cache.manifest.sizePx * cache.manifest.sizePx * 3;
  }

  get size(): number {
    return this.indices.length;
  }

  next(batchSize: number): tf.Tensor4D {
    const s = this.cache.manifest.sizePx;
    const out = new Float32Array(batchSize * this.itemBytes);
    for (let b = 0; b < batchSize; b++) {
      const item = this.indices[this.rng.int(this.indices.length)] as number;
      const src = item * this.itemBytes;
      const dst = b * this.itemBytes;
      const flip = this.rng.next() < 0.5;
      for (let y = 0; y < s; y++) {
        for (let x = 0; x < s; x++) {
          const from = src + (y * s + (flip ? s - 1 - x : x)) * 3;
          const to = dst + (y * s + x) * 3;
          for (let c = 0; c < 3; c++) out[to + c] = (this.cache.pixels[from + c] as number) / 127.5 - 1;
        }
      }
    }
    return tf.tensor4d(out, [batchSize, s, s, 3]);
  }
}

import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetCache } from '../dataset/cache.js';
import { writeFileAtomic } from '../util/atomic.js';
import { FEATURE_LAYER, type FeatureExtractor } from './inception.js';
import { type FeatureSet, featureSet, kernelInceptionDistance, median, nearestDistances } from './kid.js';

/** One line of `nightmask eval`, and what the trainer logs beside its losses. */
export interface QualityScore {
  /** Kernel inception distance to the training images; lower is better, about 0 for real images. */
  kid: number;
  kidStderr: number;
  /** Images scored. */
  images: number;
  /** Training images they were compared with. */
  referenceImages: number;
  featureLayer: string;
  inputPx: number;
  /**
   * How close the scored images come to their nearest training image (median cosine distance of
   * features), beside the same for held-out real images. A ratio well below 1 means copying.
   */
  nearest: { median: number; heldOutMedian: number | null; ratio: number | null };
}

/** Images per forward pass of the feature network: bounds memory at 149 px. */
const FEATURE_BATCH = 16;

/** Features of many images of one size, given one after another as RGB bytes. */
async function featuresOf(
  extractor: FeatureExtractor,
  images: readonly Uint8Array[],
  sizePx: number,
): Promise<FeatureSet> {
  const dim = extractor.dimension;
  const out = new Float32Array(images.length * dim);
  const per = sizePx * sizePx * 3;
  for (let start = 0; start < images.length; start += FEATURE_BATCH) {
    const chunk = images.slice(start, start + FEATURE_BATCH);
    const pixels = new Uint8Array(chunk.length * per);
    for (const [i, image] of chunk.entries()) {
      if (image.length !== per) throw new Error(`image ${start + i} is not ${sizePx}×${sizePx} RGB`);
      pixels.set(image, i * per);
    }
    out.set(await extractor.features(pixels, chunk.length, sizePx), start * dim);
  }
  return featureSet(out, dim);
}

/** The RGB bytes of every cached image in one split. */
export function splitImages(cache: DatasetCache, split: 'train' | 'val'): Uint8Array[] {
  const per = cache.manifest.sizePx * cache.manifest.sizePx * 3;
  return cache.manifest.items.flatMap((item, i) =>
    item.split === split ? [cache.pixels.subarray(i * per, (i + 1) * per)] : [],
  );
}

/**
 * Scores images against a dataset's training split. The real images' features are computed once per
 * dataset and kept in `featureDir` under a name made from the images' checksums and the feature
 * network's settings, so a changed dataset or setting never reuses stale features.
 */
export class QualityScorer {
  private constructor(
    private readonly extractor: FeatureExtractor,
    readonly train: FeatureSet,
    readonly heldOut: FeatureSet | undefined,
    /** Median distance from each held-out image to its nearest training image. */
    private readonly heldOutNearest: number | null,
  ) {}

  static async create(
    extractor: FeatureExtractor,
    cache: DatasetCache,
    featureDir: string,
  ): Promise<QualityScorer> {
    const train = await cachedFeatures(extractor, cache, 'train', featureDir);
    const valCount = cache.manifest.items.filter((item) => item.split === 'val').length;
    const heldOut = valCount >= 2 ? await cachedFeatures(extractor, cache, 'val', featureDir) : undefined;
    const heldOutNearest = heldOut ? median(nearestDistances(heldOut, train)) : null;
    return new QualityScorer(extractor, train, heldOut, heldOutNearest);
  }

  async scoreImages(images: readonly Uint8Array[], sizePx: number): Promise<QualityScore> {
    return this.scoreFeatures(await featuresOf(this.extractor, images, sizePx));
  }

  scoreFeatures(features: FeatureSet): QualityScore {
    const { kid, stderr } = kernelInceptionDistance(features, this.train);
    const nearest = median(nearestDistances(features, this.train));
    const held = this.heldOutNearest;
    return {
      kid,
      kidStderr: stderr,
      images: features.rows,
      referenceImages: this.train.rows,
      featureLayer: `InceptionV3/${FEATURE_LAYER}`,
      inputPx: this.extractor.inputPx,
      nearest: { median: nearest, heldOutMedian: held, ratio: held ? nearest / held : null },
    };
  }
}

async function cachedFeatures(
  extractor: FeatureExtractor,
  cache: DatasetCache,
  split: 'train' | 'val',
  featureDir: string,
): Promise<FeatureSet> {
  const items = cache.manifest.items.filter((item) => item.split === split);
  const key = createHash('sha256')
    .update(`${FEATURE_LAYER}/${extractor.inputPx}/${cache.manifest.sizePx}/${split}\n`)
    .update(items.map((item) => item.sha256).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const file = join(featureDir, `features-${split}-${key}.f32`);
  const dim = extractor.dimension;
  try {
    const bytes = await readFile(file);
    if (bytes.byteLength === items.length * dim * 4) {
      const copy = new Float32Array(items.length * dim);
      new Uint8Array(copy.buffer).set(bytes);
      // A damaged file of the right size is recomputed too, when the damage shows as NaN or infinity.
      if (copy.every(Number.isFinite)) return featureSet(copy, dim);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const features = await featuresOf(extractor, splitImages(cache, split), cache.manifest.sizePx);
  await mkdir(featureDir, { recursive: true });
  await writeFileAtomic(
    file,
    Buffer.from(features.data.buffer, features.data.byteOffset, features.data.byteLength),
  );
  return features;
}

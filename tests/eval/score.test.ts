import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureExtractor } from '../../src/eval/inception.js';
import { QualityScorer, splitImages } from '../../src/eval/score.js';
import { writeTinyDataset } from '../support/tiny-dataset.js';

let root: string;
let extractor: FeatureExtractor;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightmask-eval-'));
  // A small input keeps the test quick; the network is the same at every size.
  extractor = await FeatureExtractor.load(75);
});
afterAll(async () => {
  extractor.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('InceptionV3 features', () => {
  it('given images, then each gets one 768-value row from mixed4, the same for the same image', async () => {
    expect(extractor.dimension).toBe(768);
    const dataset = await writeTinyDataset(join(root, 'a'), 32, 4);
    const images = splitImages(dataset, 'train');
    const one = await extractor.features(images[0] as Uint8Array, 1, 32);
    const all = await extractor.features(Buffer.concat(images), 4, 32);
    expect(one).toHaveLength(768);
    expect(all).toHaveLength(4 * 768);
    for (let i = 0; i < 768; i++) expect(all[i]).toBeCloseTo(one[i] as number, 4);
    // Different pictures, different features.
    const second = all.subarray(768, 2 * 768);
    expect(second.some((v, i) => Math.abs(v - (one[i] as number)) > 1e-3)).toBe(true);
  });
});

describe('quality scorer', () => {
  it('given the training images themselves, then KID is at most zero and the nearest-image ratio shows copying', async () => {
    const dataset = await writeTinyDataset(join(root, 'b'), 32, 36);
    // Hold out a third so the scorer has held-out images to compare the nearest distances with.
    dataset.manifest.items.forEach((item, i) => {
      if (i % 3 === 0) item.split = 'val';
    });
    const scorer = await QualityScorer.create(extractor, dataset, join(root, 'features'));
    const copies = splitImages(dataset, 'train');
    const score = await scorer.scoreImages(copies, 32);
    expect(score.images).toBe(24);
    expect(score.referenceImages).toBe(24);
    expect(score.featureLayer).toBe('InceptionV3/mixed4');
    // The very same images: the cross term pairs each image with itself, so the estimate dips below 0.
    expect(score.kid).toBeLessThan(0);
    expect(score.nearest.median).toBeLessThan(1e-4);
    expect(score.nearest.ratio).toBeLessThan(0.01);

    // Flat grey images are nothing like the squares: a clearly positive score.
    const grey = Array.from({ length: 24 }, () => new Uint8Array(32 * 32 * 3).fill(128));
    const bad = await scorer.scoreImages(grey, 32);
    expect(bad.kid).toBeGreaterThan(score.kid + 5 * bad.kidStderr);
  });

  it('given a second scorer on the same data, then it reuses the cached features of the real images', async () => {
    const dataset = await writeTinyDataset(join(root, 'c'), 32, 24);
    const dir = join(root, 'features-c');
    const first = await QualityScorer.create(extractor, dataset, dir);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const second = await QualityScorer.create(extractor, dataset, dir);
    expect(Array.from(second.train.data)).toEqual(Array.from(first.train.data));
    expect(await readdir(dir)).toEqual(files);

    // A damaged file of the right size (NaN inside) is recomputed rather than trusted.
    const file = join(dir, files[0] as string);
    await writeFile(file, Buffer.from(new Float32Array(first.train.data.length).fill(Number.NaN).buffer));
    const third = await QualityScorer.create(extractor, dataset, dir);
    expect(Array.from(third.train.data)).toEqual(Array.from(first.train.data));
  });
});

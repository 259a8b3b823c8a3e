import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { snapshotGan } from '../../src/checkpoint/gan-io.js';
import type { LoadedCheckpoint } from '../../src/checkpoint/store.js';
import { createGan, disposeGan } from '../../src/gan/gan.js';
import { tf } from '../../src/gan/tf.js';
import { MaskPainter } from '../../src/generate/generate.js';
import { formatMaskId, parseMaskId } from '../../src/generate/mask-id.js';
import { tinyConfig } from '../support/tiny-gan.js';

/** A checkpoint held in memory, as readCheckpoint would return it. */
async function inMemoryCheckpoint(seed: number): Promise<LoadedCheckpoint> {
  const gan = createGan(tinyConfig, seed);
  // Freshly initialised kernels (std 0.02) draw near-flat grey; larger ones give images that differ.
  const tensors = new Map(
    (await snapshotGan(gan)).map((t) => {
      const values = t.name.endsWith('kernel') ? t.values.map((v) => v * 25) : t.values;
      return [t.name, { shape: t.shape, values }];
    }),
  );
  disposeGan(gan);
  return {
    path: '/in-memory',
    tensors,
    manifest: {
      formatVersion: 1,
      id: 'step-000000000-0123abcd',
      step: 0,
      createdAt: '2026-12-04T00:00:00.000Z',
      config: tinyConfig,
      versions: { nightmask: 'test', tfjs: tf.version.tfjs, node: process.version },
      backend: 'cpu',
      optimizerSteps: { generator: 0, discriminator: 0 },
      rngState: 0,
      trainer: {},
      weightsSha256: '0'.repeat(64),
      weightsByteLength: 0,
      tensors: [],
    },
  };
}

describe('mask generation', () => {
  it('given the same checkpoint and seed twice, then the PNG bytes are identical; another seed differs', async () => {
    const checkpoint = await inMemoryCheckpoint(3);
    const a = new MaskPainter(checkpoint);
    const b = new MaskPainter(checkpoint);
    const [first, other] = await a.masks(
      [
        { seed: 7, weirdness: 1 },
        { seed: 8, weirdness: 1 },
      ],
      96,
    );
    const [again] = await b.masks([{ seed: 7, weirdness: 1 }], 96);
    expect(first?.png.equals(again?.png as Buffer)).toBe(true);
    expect(first?.png.equals(other?.png as Buffer)).toBe(false);
    expect(await sharp(first?.png).metadata()).toMatchObject({
      format: 'png',
      width: 96,
      height: 96,
      channels: 3,
    });
    expect(first?.id).toBe('step-000000000-0123abcd.7.w1');
    a.dispose();
    b.dispose();
  });

  it('given weirdness or a nudge, then the mask changes and its id says how', async () => {
    const painter = new MaskPainter(await inMemoryCheckpoint(3));
    const [plain, weird, nudged] = await painter.masks(
      [
        { seed: 7, weirdness: 1 },
        { seed: 7, weirdness: 2.5 },
        { seed: 7, weirdness: 1, nudge: 4 },
      ],
      32,
    );
    expect(weird?.png.equals(plain?.png as Buffer)).toBe(false);
    expect(nudged?.png.equals(plain?.png as Buffer)).toBe(false);
    expect(nudged?.id).toBe('step-000000000-0123abcd.7.w1.n4');
    painter.dispose();
  });

  it('given two masks, then the morph is an animated WebP that loops through both', async () => {
    const painter = new MaskPainter(await inMemoryCheckpoint(3));
    const webp = await painter.morph(
      { seed: 1, weirdness: 1 },
      { seed: 2, weirdness: 1 },
      { frames: 6, outPx: 64, frameMs: 80 },
    );
    const meta = await sharp(webp, { animated: true }).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.pages).toBe(10);
    expect(meta.loop).toBe(0);
    painter.dispose();
  });
});

describe('mask ids', () => {
  it('given an id, then it parses back to the same reference; junk and out-of-range seeds do not parse', () => {
    const ref = { checkpointId: 'step-000001200-1a2b3c4d', seed: 4294967295, weirdness: 1.25, nudge: 9 };
    expect(parseMaskId(formatMaskId(ref))).toEqual(ref);
    expect(parseMaskId('step-000001200-1a2b3c4d.42.w1')).toEqual({
      checkpointId: 'step-000001200-1a2b3c4d',
      seed: 42,
      weirdness: 1,
    });
    expect(parseMaskId('step-000001200-1a2b3c4d.4294967296.w1')).toBeUndefined();
    expect(parseMaskId('../../etc/passwd')).toBeUndefined();
    expect(formatMaskId(ref)).not.toMatch(/[\s/]/);
  });
});

import { createHash } from 'node:crypto';
import { type DatasetCache, writeDatasetCache } from '../../src/dataset/cache.js';

/**
 * Writes a small dataset cache of coloured squares on grey: enough for the trainer to run, and
 * nothing that needs the emoji packages or sharp.
 */
export async function writeTinyDataset(dir: string, sizePx = 32, count = 12): Promise<DatasetCache> {
  const per = sizePx * sizePx * 3;
  const pixels = new Uint8Array(per * count).fill(128);
  const items = [];
  for (let i = 0; i < count; i++) {
    const quarter = sizePx / 4;
    for (let y = quarter; y < 3 * quarter; y++) {
      for (let x = quarter; x < 3 * quarter; x++) {
        const at = i * per + (y * sizePx + x) * 3;
        pixels[at] = (i * 40) % 256;
        pixels[at + 1] = (i * 90) % 256;
        pixels[at + 2] = 255 - ((i * 40) % 256);
      }
    }
    const sha256 = createHash('sha256')
      .update(pixels.subarray(i * per, (i + 1) * per))
      .digest('hex');
    items.push({
      id: `square-${i}`,
      sha256,
      group: `square-${i}`,
      split: 'train' as const,
      origin: 'test',
      source: 'folder',
    });
  }
  const cache: DatasetCache = {
    manifest: {
      formatVersion: 1,
      sizePx,
      count,
      channels: 3,
      createdAt: '2026-12-04T00:00:00.000Z',
      source: { kind: 'folder', path: '/nonexistent', fit: 'crop' },
      items,
    },
    pixels,
  };
  await writeDatasetCache(dir, cache);
  return cache;
}

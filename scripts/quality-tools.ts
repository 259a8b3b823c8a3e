/**
 * Helpers for scripts/bench-quality.sh:
 *   tsx scripts/quality-tools.ts export <dataset-dir> <out-dir>   the training split as PNG files
 *   tsx scripts/quality-tools.ts grid <png-dir> <out.png>          the first 16 PNGs as a 4x4 grid
 * The grid matches the trainer's sample grids (128 px cells), so the two recipes' grids compare.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { readDatasetCache } from '../src/dataset/cache.js';
import { splitImages } from '../src/eval/score.js';
import { encodeGrid } from '../src/generate/render.js';

const [command, from, to] = process.argv.slice(2);
if (command === 'export' && from && to) {
  const cache = await readDatasetCache(from);
  const size = cache.manifest.sizePx;
  await mkdir(to, { recursive: true });
  const images = splitImages(cache, 'train');
  for (const [i, pixels] of images.entries()) {
    const png = await sharp(Buffer.from(pixels), { raw: { width: size, height: size, channels: 3 } })
      .png()
      .toBuffer();
    await writeFile(join(to, `train-${String(i).padStart(5, '0')}.png`), png);
  }
  console.log(`${images.length} training images (${size} px) in ${to}`);
} else if (command === 'grid' && from && to) {
  const names = (await readdir(from))
    .filter((n) => n.endsWith('.png'))
    .sort()
    .slice(0, 16);
  const first = await sharp(join(from, names[0] ?? '')).metadata();
  const size = first.width ?? 64;
  const images = await Promise.all(
    names.map(async (n) => new Uint8Array(await sharp(join(from, n)).removeAlpha().raw().toBuffer())),
  );
  await writeFile(to, await encodeGrid(images, size, { columns: 4, cellPx: 128 }));
  console.log(to);
} else {
  console.error('usage: quality-tools.ts export <dataset-dir> <out-dir> | grid <png-dir> <out.png>');
  process.exit(2);
}

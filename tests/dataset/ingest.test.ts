import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, stat, symlink, truncate, writeFile } from 'node:fs/promises';

import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DatasetCache, readDatasetCache } from '../../src/dataset/cache.js';
import { DatasetError } from '../../src/dataset/errors.js';
import { type IngestReport, ingestFolder } from '../../src/dataset/ingest.js';
import { FIXTURE_MAX_PIXELS, noise, writePhotoFolder } from './fixtures.js';
import { useTempDirs } from './temp.js';

const tempDir = useTempDirs();
const sharedTempDir = useTempDirs('all');
const SIZE = 16;

/** Every file under a folder with its bytes' hash and modification time. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const hash = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    out[path.relative(dir, file)] = `${hash} ${(await stat(file)).mtimeMs}`;
  }
  return out;
}

/** The RGB value of pixel (x, y) of the item with this id. */
function pixel(cache: DatasetCache, id: string, x: number, y: number): number[] {
  const index = cache.manifest.items.findIndex((item) => item.id === id);
  expect(index, `item ${id}`).toBeGreaterThanOrEqual(0);
  const at = index * SIZE * SIZE * 3 + (y * SIZE + x) * 3;
  return [...cache.pixels.subarray(at, at + 3)];
}

function near(actual: number[], expected: number[], tolerance = 12): boolean {
  return actual.every((v, i) => Math.abs(v - (expected[i] ?? 0)) <= tolerance);
}

describe('ingestFolder on a folder of good and bad pictures', () => {
  let srcDir: string;
  let outDir: string;
  let before: Record<string, string>;
  let report: IngestReport;
  let cache: DatasetCache;

  beforeAll(async () => {
    srcDir = path.join(await sharedTempDir(), 'photos');
    outDir = path.join(await sharedTempDir(), 'dataset');
    await writePhotoFolder(srcDir);
    before = await snapshot(srcDir);
    report = await ingestFolder({ srcDir, outDir, sizePx: SIZE, maxPixels: FIXTURE_MAX_PIXELS });
    cache = await readDatasetCache(outDir);
  });

  it('given empty, truncated, HTML-named-.png and huge files, then quarantines each with its reason', () => {
    const reasons = Object.fromEntries(report.quarantined.map((file) => [file.path, file.reason]));
    expect(reasons).toEqual({
      'drawing.svg': 'unsupported-format',
      'empty.png': 'empty',
      'huge.png': 'too-many-pixels',
      'page.png': 'not-an-image',
      'tiny.png': 'too-small',
      'truncated.jpg': 'truncated',
    });
    expect(report.quarantined.every((file) => file.detail.length > 0)).toBe(true);
  });

  it('given the folder, then counts read, used, duplicates and quarantined by reason', () => {
    expect(report).toMatchObject({ read: 17, used: 10, duplicates: 1 });
    expect(report.quarantinedByReason).toMatchObject({
      empty: 1,
      truncated: 1,
      'not-an-image': 1,
      'too-many-pixels': 1,
      'too-small': 1,
      'unsupported-format': 1,
      corrupt: 0,
    });
  });

  it('given hidden files and subfolders, then skips the hidden ones and reads the nested ones', () => {
    const ids = cache.manifest.items.map((item) => item.id);
    expect(ids).toContain('nested/deeper/other.webp');
    expect(ids.some((id) => id.includes('hidden') || id.includes('thumb'))).toBe(false);
    expect(ids).toContain('copy of good.jpg');
    expect(ids).not.toContain('good.jpg');
  });

  it('given an EXIF-rotated JPEG, then turns it upright', () => {
    expect(near(pixel(cache, 'rotated.jpg', SIZE / 2, 1), [255, 0, 0])).toBe(true);
    expect(near(pixel(cache, 'rotated.jpg', SIZE / 2, SIZE - 2), [0, 0, 255])).toBe(true);
  });

  it('given RGBA, grey, palette, animated, CMYK, P3 and 16-bit inputs, then gives 3-channel sRGB', () => {
    expect(cache.manifest.channels).toBe(3);
    expect(cache.pixels.length).toBe(cache.manifest.count * SIZE * SIZE * 3);
    expect(pixel(cache, 'rgba.png', 2, SIZE / 2)).toEqual([0, 200, 0]);
    expect(pixel(cache, 'rgba.png', SIZE - 3, SIZE / 2)).toEqual([128, 128, 128]);
    expect(pixel(cache, 'grey.png', SIZE / 2, SIZE / 2)).toEqual([100, 100, 100]);
    expect(near(pixel(cache, 'palette.png', 1, 1), [255, 0, 0], 2)).toBe(true);
    expect(near(pixel(cache, 'palette.png', SIZE - 2, 1), [0, 0, 255], 2)).toBe(true);
    expect(near(pixel(cache, 'animated.gif', SIZE / 2, SIZE / 2), [255, 0, 0], 2)).toBe(true);
    expect(near(pixel(cache, 'cmyk.jpg', SIZE / 2, SIZE / 2), [255, 0, 0], 40)).toBe(true);
    expect(near(pixel(cache, 'p3.png', SIZE / 2, SIZE / 2), [40, 180, 60], 3)).toBe(true);
    expect(cache.manifest.items.map((item) => item.id)).toContain('deep16.png');
  });

  it('given the run, then writes manifest and quarantine report and changes no source file', async () => {
    expect(cache.manifest.source).toEqual({ kind: 'folder', path: srcDir, fit: 'crop' });
    const quarantine = JSON.parse(await readFile(path.join(outDir, 'quarantine.json'), 'utf8'));
    expect(quarantine.files).toHaveLength(6);
    expect(await snapshot(srcDir)).toEqual(before);
  });
});

describe('ingestFolder options and refusals', () => {
  it('given fit pad, then keeps the whole picture and pads the short side with grey', async () => {
    const srcDir = await tempDir();
    await writePhotoFolder(srcDir);
    const outDir = path.join(await tempDir(), 'dataset');
    await ingestFolder({ srcDir, outDir, sizePx: SIZE, fit: 'pad', maxPixels: FIXTURE_MAX_PIXELS });

    const cache = await readDatasetCache(outDir);
    // good.jpg is 48 × 40: padded to a square, its top and bottom rows are grey.
    expect(pixel(cache, 'copy of good.jpg', SIZE / 2, 0)).toEqual([128, 128, 128]);
    expect(cache.manifest.source).toMatchObject({ fit: 'pad' });
  });

  it('given a missing folder, then says so', async () => {
    const srcDir = path.join(await tempDir(), 'no-such-folder');
    await expect(ingestFolder({ srcDir, outDir: await tempDir(), sizePx: SIZE })).rejects.toMatchObject({
      code: 'source-missing',
    });
  });

  it('given nothing usable, then throws with the report and writes no cache', async () => {
    const parent = await tempDir();
    const srcDir = await tempDir();
    await writePhotoFolder(srcDir);
    const onlyBad = path.join(srcDir, 'nested');
    const err = await ingestFolder({
      srcDir: onlyBad,
      outDir: path.join(parent, 'out'),
      sizePx: SIZE,
      minSidePx: 1000,
    })
      .then(() => undefined)
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).code).toBe('nothing-usable');
    expect(((err as DatasetError).details.report as IngestReport).quarantinedByReason['too-small']).toBe(1);
    expect(await readdir(parent)).toEqual([]);
  });

  it('given an output folder that holds the pictures, then refuses before writing', async () => {
    const srcDir = path.join(await tempDir(), 'photos');
    await writePhotoFolder(srcDir);
    const outDir = path.dirname(srcDir);
    await expect(ingestFolder({ srcDir, outDir, sizePx: SIZE })).rejects.toMatchObject({
      code: 'out-dir-unsafe',
    });
    await expect(ingestFolder({ srcDir, outDir: srcDir, sizePx: SIZE })).rejects.toMatchObject({
      code: 'out-dir-unsafe',
    });
  });

  it('given pictures inside the output reached through a symbolic link, then refuses and keeps them', async () => {
    const work = await tempDir();
    await writePhotoFolder(path.join(work, 'src'));
    const outDir = path.join(work, 'dataset');
    await ingestFolder({
      srcDir: path.join(work, 'src'),
      outDir,
      sizePx: SIZE,
      maxPixels: FIXTURE_MAX_PIXELS,
    });
    await mkdir(path.join(outDir, 'myphotos'));
    await cp(path.join(work, 'src/good.jpg'), path.join(outDir, 'myphotos/good.jpg'));
    await symlink(path.join(outDir, 'myphotos'), path.join(work, 'ph'));

    const err = await ingestFolder({ srcDir: path.join(work, 'ph'), outDir, sizePx: SIZE }).catch((e) => e);
    expect(err).toMatchObject({ code: 'out-dir-unsafe' });
    expect((err as Error).message).toMatch(/to lie outside the picture folder.*symbolic links/);
    expect(await readdir(path.join(outDir, 'myphotos'))).toEqual(['good.jpg']);
  });

  it('given the pictures through a symbolic link and the output inside them, then does not read it back', async () => {
    const work = await tempDir();
    await writePhotoFolder(path.join(work, 'photos'));
    await symlink(path.join(work, 'photos'), path.join(work, 'ph'));
    const options = { srcDir: path.join(work, 'ph'), sizePx: SIZE, maxPixels: FIXTURE_MAX_PIXELS };
    const outDir = path.join(work, 'photos/dataset');

    const first = await ingestFolder({ ...options, outDir });
    const second = await ingestFolder({ ...options, outDir });
    expect(second.read).toBe(first.read);
    expect(second.quarantined.map((file) => file.path)).not.toContain('dataset/manifest.json');
  });

  it('given an output folder inside the pictures, then does not read it back as pictures', async () => {
    const srcDir = await tempDir();
    await writePhotoFolder(srcDir);
    const outDir = path.join(srcDir, 'dataset');
    const first = await ingestFolder({ srcDir, outDir, sizePx: SIZE, maxPixels: FIXTURE_MAX_PIXELS });
    const second = await ingestFolder({ srcDir, outDir, sizePx: SIZE, maxPixels: FIXTURE_MAX_PIXELS });
    expect(second.read).toBe(first.read);
  });
});

/** The report of an ingest, whether it wrote a cache or found nothing usable. */
async function reportOf(options: Parameters<typeof ingestFolder>[0]): Promise<IngestReport> {
  try {
    return await ingestFolder(options);
  } catch (err) {
    if (err instanceof DatasetError && err.code === 'nothing-usable')
      return err.details.report as IngestReport;
    throw err;
  }
}

describe('ingestFolder on damaged, huge and odd files', () => {
  it('given 60 cut-short pictures, then calls every one truncated, each citing only its own error', async () => {
    const srcDir = await tempDir();
    const picture = sharp(noise(160, 120), { raw: { width: 160, height: 120, channels: 3 } });
    const whole: Record<string, Buffer> = {
      jpg: await picture.clone().jpeg().toBuffer(),
      png: await picture.clone().png().toBuffer(),
      webp: await picture.clone().webp().toBuffer(),
      gif: await picture.clone().gif().toBuffer(),
      tif: await picture.clone().tiff().toBuffer(),
      avif: await picture.clone().avif().toBuffer(),
    };
    for (let i = 0; i < 10; i += 1) {
      for (const [ext, bytes] of Object.entries(whole)) {
        const cut = bytes.subarray(0, Math.floor((bytes.length * (i + 1)) / 12));
        await writeFile(path.join(srcDir, `cut${i}.${ext}`), cut);
      }
    }
    const options = { srcDir, outDir: path.join(await tempDir(), 'dataset'), sizePx: SIZE };

    const first = await ingestFolder(options).catch(
      (err: DatasetError) => err.details.report as IngestReport,
    );
    const second = await ingestFolder(options).catch(
      (err: DatasetError) => err.details.report as IngestReport,
    );
    expect(first.quarantinedByReason.truncated).toBe(60);
    expect(second.quarantined).toEqual(first.quarantined);
    const otherFormats: Record<string, RegExp> = {
      jpg: /png|webp|gif|heif|tiff/i,
      png: /jpeg|webp|gif|heif|tiff/i,
      webp: /jpeg|png|gif|heif|tiff/i,
      gif: /jpeg|png|webp|heif|tiff/i,
      tif: /jpeg|png|webp|gif|heif/i,
      avif: /jpeg|png|webp|gif|tiff/i,
    };
    for (const file of first.quarantined) {
      const ext = path.extname(file.path).slice(1);
      expect(file.detail, file.path).not.toMatch(otherFormats[ext] as RegExp);
    }
  });

  it('given a PNG whose header claims 2^31 × 2^31 pixels, then says what the header claims', async () => {
    const srcDir = await tempDir();
    const png = await sharp(noise(32, 32), { raw: { width: 32, height: 32, channels: 3 } })
      .png()
      .toBuffer();
    png.writeUInt32BE(2 ** 31, 16);
    png.writeUInt32BE(2 ** 31, 20);
    await writeFile(path.join(srcDir, 'max.png'), png);

    const report = await reportOf({ srcDir, outDir: path.join(await tempDir(), 'dataset'), sizePx: SIZE });
    const [max] = report.quarantined;
    expect(max).toMatchObject({ path: 'max.png', reason: 'corrupt' });
    expect(max?.detail).toMatch(/2147483648×2147483648/);
    expect(max?.detail).not.toMatch(/:$/);
  });

  it('given 3 GB sparse videos and JPEG, then judges them by size and first bytes, reading none whole', async () => {
    const srcDir = await tempDir();
    const ftyp = (brands: string) => {
      const box = Buffer.alloc(8 + brands.length);
      box.writeUInt32BE(box.length, 0);
      box.write(`ftyp${brands}`, 4, 'latin1');
      return box;
    };
    await writeFile(path.join(srcDir, 'clip.mp4'), ftyp('isom\0\0\x02\0isomiso2avc1mp41'));
    await writeFile(path.join(srcDir, 'clip.mov'), ftyp('qt  \0\0\x02\0qt  '));
    await writeFile(path.join(srcDir, 'huge.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    // Sparse: 3 GB each on paper, no disk space; more than Node can read into one buffer (2 GB).
    for (const name of ['clip.mp4', 'clip.mov', 'huge.jpg'])
      await truncate(path.join(srcDir, name), 3 * 2 ** 30);

    const report = await reportOf({ srcDir, outDir: path.join(await tempDir(), 'dataset'), sizePx: SIZE });
    const reasons = Object.fromEntries(report.quarantined.map((file) => [file.path, file.reason]));
    expect(reasons).toEqual({
      'clip.mov': 'not-an-image',
      'clip.mp4': 'not-an-image',
      'huge.jpg': 'file-too-large',
    });
    expect(report.quarantined.find((file) => file.path === 'huge.jpg')?.detail).toMatch(
      /3072\.0 MiB, over the limit of 200\.0 MiB/,
    );
  });

  it('given a byte limit, then quarantines a picture over it as file-too-large', async () => {
    const srcDir = await tempDir();
    await writePhotoFolder(srcDir);
    const outDir = path.join(await tempDir(), 'dataset');
    const report = await ingestFolder({
      srcDir,
      outDir,
      sizePx: SIZE,
      maxPixels: FIXTURE_MAX_PIXELS,
      maxFileBytes: 2000,
    });

    const large = report.quarantined
      .filter((file) => file.reason === 'file-too-large')
      .map((file) => file.path);
    expect(large).toEqual(['huge.png', 'truncated.jpg']);
  });

  it('given a broken symbolic link and a link loop, then counts them read and quarantines them', async () => {
    const srcDir = await tempDir();
    await writePhotoFolder(srcDir);
    await symlink(path.join(srcDir, 'gone.jpg'), path.join(srcDir, 'broken.jpg'));
    await symlink(path.join(srcDir, 'loop-b.png'), path.join(srcDir, 'loop-a.png'));
    await symlink(path.join(srcDir, 'loop-a.png'), path.join(srcDir, 'loop-b.png'));
    await symlink(path.join(srcDir, 'nested'), path.join(srcDir, 'folder-link'));
    const outDir = path.join(await tempDir(), 'dataset');

    const report = await ingestFolder({ srcDir, outDir, sizePx: SIZE, maxPixels: FIXTURE_MAX_PIXELS });
    expect(report.read).toBe(17 + 3);
    expect(report.quarantinedByReason.unreadable).toBe(3);
    const detail = (name: string) => report.quarantined.find((file) => file.path === name)?.detail;
    expect(detail('broken.jpg')).toMatch(/broken symbolic link.*gone\.jpg.*does not exist/);
    expect(detail('loop-a.png')).toMatch(/symbolic link loop/);
  });
});

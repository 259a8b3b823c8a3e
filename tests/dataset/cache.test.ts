import { mkdir, readdir, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type DatasetCache,
  type DatasetItem,
  hasDatasetCache,
  readDatasetCache,
  writeDatasetCache,
} from '../../src/dataset/cache.js';
import { pixelHash } from '../../src/dataset/dedupe.js';
import { DatasetError } from '../../src/dataset/errors.js';
import { useTempDirs } from './temp.js';

const tempDir = useTempDirs();

function tinyCache(count: number, sizePx = 4): DatasetCache {
  const bytes = sizePx * sizePx * 3;
  const pixels = new Uint8Array(count * bytes);
  const items: DatasetItem[] = [];
  for (let i = 0; i < count; i += 1) {
    const one = pixels.subarray(i * bytes, (i + 1) * bytes).fill(i * 10);
    items.push({
      id: `x${i}`,
      sha256: pixelHash(one),
      group: `g${i}`,
      split: 'train',
      origin: `x${i}.png`,
      source: 'folder',
    });
  }
  return {
    manifest: {
      formatVersion: 1,
      sizePx,
      count,
      channels: 3,
      createdAt: '2024-10-31T00:00:00.000Z',
      source: { kind: 'folder', path: '/photos', fit: 'crop' },
      items,
    },
    pixels,
  };
}

async function expectDatasetError(promise: Promise<unknown>, code: string, text: RegExp): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatasetError);
  expect((err as DatasetError).code).toBe(code);
  expect((err as DatasetError).message).toMatch(text);
}

describe('dataset cache', () => {
  it('given a written cache, then reads back the same manifest and pixels', async () => {
    const dir = path.join(await tempDir(), 'dataset');
    const cache = tinyCache(3);
    await writeDatasetCache(dir, cache, { extraFiles: { 'LICENSES/a.txt': 'licence', 'CREDITS.md': '# c' } });

    const back = await readDatasetCache(dir);
    expect(back.manifest).toEqual(cache.manifest);
    expect(Buffer.from(back.pixels).equals(Buffer.from(cache.pixels))).toBe(true);
    expect(await readFile(path.join(dir, 'LICENSES/a.txt'), 'utf8')).toBe('licence');
    expect(await hasDatasetCache(dir)).toBe(true);
  });

  it('given an earlier cache, then replaces it whole and leaves no temporary folders beside it', async () => {
    const parent = await tempDir();
    const dir = path.join(parent, 'dataset');
    await writeDatasetCache(dir, tinyCache(3), { extraFiles: { 'old.txt': 'old' } });
    await writeDatasetCache(dir, tinyCache(2));

    expect((await readDatasetCache(dir)).manifest.count).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['images.u8', 'manifest.json']);
    expect(await readdir(parent)).toEqual(['dataset']);
  });

  it('given an output folder holding other files, then refuses and leaves them alone', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'holiday.jpg'), 'not ours');

    await expectDatasetError(writeDatasetCache(dir, tinyCache(1)), 'out-dir-unsafe', /choose another --out/);
    expect(await readdir(dir)).toEqual(['holiday.jpg']);
  });

  it('given a folder with some other manifest.json, then refuses to replace it', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'manifest.json'), '{"name": "my web app"}');

    await expectDatasetError(
      writeDatasetCache(dir, tinyCache(1)),
      'out-dir-unsafe',
      /no manifest.json beside/,
    );
    expect(await readFile(path.join(dir, 'manifest.json'), 'utf8')).toContain('my web app');
  });

  it('given an earlier cache holding a file of the user, then refuses, names it and deletes nothing', async () => {
    const dir = path.join(await tempDir(), 'dataset');
    await writeDatasetCache(dir, tinyCache(3), { extraFiles: { 'CREDITS.md': '# c' } });
    await writeFile(path.join(dir, 'NOTES.txt'), 'my notes');
    await mkdir(path.join(dir, 'myphotos'));
    await writeFile(path.join(dir, 'myphotos/cat.jpg'), 'a cat');

    await expectDatasetError(
      writeDatasetCache(dir, tinyCache(2)),
      'out-dir-unsafe',
      /found 2 other entries: NOTES\.txt, myphotos\/\. .*move them out/,
    );
    expect((await readdir(dir)).sort()).toEqual([
      'CREDITS.md',
      'NOTES.txt',
      'images.u8',
      'manifest.json',
      'myphotos',
    ]);
    expect(await readFile(path.join(dir, 'myphotos/cat.jpg'), 'utf8')).toBe('a cat');
    expect((await readDatasetCache(dir)).manifest.count).toBe(3);
  });

  it('given an earlier cache with a user file inside LICENSES, then refuses to replace it', async () => {
    const dir = path.join(await tempDir(), 'dataset');
    await writeDatasetCache(dir, tinyCache(1), { extraFiles: { 'LICENSES/a.txt': 'licence' } });
    await writeFile(path.join(dir, 'LICENSES/mine.txt'), 'mine');

    await expectDatasetError(writeDatasetCache(dir, tinyCache(2)), 'out-dir-unsafe', /LICENSES\/mine\.txt/);
    expect(await readFile(path.join(dir, 'LICENSES/mine.txt'), 'utf8')).toBe('mine');
  });

  it('given a cache from before manifests listed their files, then still replaces it whole', async () => {
    const dir = path.join(await tempDir(), 'dataset');
    const extraFiles = {
      'quarantine.json': '{}',
      'CREDITS.md': '# c',
      'LICENSES/twemoji-CC-BY-4.0.txt': 'cc',
    };
    await writeDatasetCache(dir, tinyCache(3), { extraFiles });
    const manifestPath = path.join(dir, 'manifest.json');
    const { files: _, ...unlisted } = JSON.parse(await readFile(manifestPath, 'utf8'));
    await writeFile(manifestPath, JSON.stringify(unlisted));

    await writeDatasetCache(dir, tinyCache(2));
    expect((await readdir(dir)).sort()).toEqual(['images.u8', 'manifest.json']);
  });

  it('given a cache reached through a symbolic link, then replaces it in place and keeps the link', async () => {
    const parent = await tempDir();
    const real = path.join(parent, 'real-dataset');
    const link = path.join(parent, 'dataset');
    await writeDatasetCache(real, tinyCache(3));
    await symlink(real, link);

    await writeDatasetCache(link, tinyCache(2));
    expect((await readDatasetCache(real)).manifest.count).toBe(2);
    expect((await readdir(parent)).sort()).toEqual(['dataset', 'real-dataset']);
  });

  it('given no cache, then hasDatasetCache is false and reading says how to build one', async () => {
    const dir = path.join(await tempDir(), 'nothing');
    expect(await hasDatasetCache(dir)).toBe(false);
    await expectDatasetError(readDatasetCache(dir), 'cache-missing', /nightmask dataset/);
  });

  it('given a cache with no images, then reading refuses and says how to build one', async () => {
    const dir = path.join(await tempDir(), 'dataset');
    await writeDatasetCache(dir, tinyCache(1));
    const manifestPath = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    await writeFile(manifestPath, JSON.stringify({ ...manifest, count: 0, items: [] }));
    await truncate(path.join(dir, 'images.u8'), 0);

    await expectDatasetError(
      readDatasetCache(dir),
      'cache-empty',
      /no images.*"nightmask dataset".*"nightmask ingest/,
    );
  });

  it('given no images to write, then refuses to write an empty cache', async () => {
    const dir = path.join(await tempDir(), 'dataset');
    await expectDatasetError(writeDatasetCache(dir, tinyCache(0)), 'nothing-usable', /at least one image/);
    expect(await hasDatasetCache(dir)).toBe(false);
  });

  it('given a cut-short images.u8, then reading names the expected and found sizes', async () => {
    const dir = path.join(await tempDir(), 'dataset');
    await writeDatasetCache(dir, tinyCache(3));
    await truncate(path.join(dir, 'images.u8'), 100);

    await expectDatasetError(readDatasetCache(dir), 'cache-size-mismatch', /144 bytes .* found 100 bytes/);
  });

  it('given a manifest that is not JSON or contradicts itself, then calls it corrupt', async () => {
    const dir = path.join(await tempDir(), 'dataset');
    await writeDatasetCache(dir, tinyCache(2));
    const manifestPath = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));

    await writeFile(manifestPath, '{"formatVersion": 1,');
    await expectDatasetError(readDatasetCache(dir), 'cache-corrupt', /not valid JSON/);

    await writeFile(manifestPath, JSON.stringify({ ...manifest, count: 5 }));
    await expectDatasetError(readDatasetCache(dir), 'cache-corrupt', /count says 5/);

    const split = manifest.items.map((item: DatasetItem, i: number) => ({
      ...item,
      group: 'same',
      split: i ? 'val' : 'train',
    }));
    await writeFile(manifestPath, JSON.stringify({ ...manifest, items: split }));
    await expectDatasetError(readDatasetCache(dir), 'cache-corrupt', /both train and val/);

    await writeFile(manifestPath, JSON.stringify({ ...manifest, channels: 4 }));
    await expectDatasetError(readDatasetCache(dir), 'cache-corrupt', /channels/);
  });

  it('given a cache whose pixels do not match its item count, then refuses to write it', async () => {
    const cache = tinyCache(2);
    await expect(writeDatasetCache(await tempDir(), { ...cache, pixels: new Uint8Array(5) })).rejects.toThrow(
      /to agree/,
    );
  });
});

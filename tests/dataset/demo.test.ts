import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFluent3d } from '../../src/dataset/art/fluent3d.js';
import { readDatasetCache } from '../../src/dataset/cache.js';
import { creditsText } from '../../src/dataset/credits.js';
import { buildDemoDataset } from '../../src/dataset/demo.js';
import { silentLogger } from '../../src/log/logger.js';
import { useTempDirs } from './temp.js';

const tempDir = useTempDirs();
const ALL_SOURCES = { twemoji: true, fluent3d: true };

describe('buildDemoDataset', () => {
  it('given the same options twice, then writes the same pixels and items', async () => {
    const [a, b] = [path.join(await tempDir(), 'a'), path.join(await tempDir(), 'b')];
    const options = { sizePx: 16, limit: 12, sources: ALL_SOURCES, concurrency: 3 };
    const first = await buildDemoDataset({ ...options, outDir: a });
    const second = await buildDemoDataset({ ...options, outDir: b, concurrency: 1 });

    expect(second).toEqual(first);
    const [cacheA, cacheB] = [await readDatasetCache(a), await readDatasetCache(b)];
    expect(cacheB.manifest.items).toEqual(cacheA.manifest.items);
    expect(Buffer.from(cacheB.pixels).equals(Buffer.from(cacheA.pixels))).toBe(true);
  });

  it('given all sources, then samples each, keeps licences and credits Twemoji under CC BY 4.0', async () => {
    const outDir = path.join(await tempDir(), 'demo');
    const result = await buildDemoDataset({
      outDir,
      sizePx: 8,
      limit: 9,
      sources: ALL_SOURCES,
      logger: silentLogger,
    });

    expect(result.count + result.duplicates).toBe(9);
    expect(result.bySource).toEqual({ noto: 3, twemoji: 3, fluent3d: 3 });
    const { manifest, pixels } = await readDatasetCache(outDir);
    expect(manifest.source).toEqual({ kind: 'demo', sources: ['noto', 'twemoji', 'fluent3d'] });
    expect(pixels.length).toBe(manifest.count * 8 * 8 * 3);
    expect(manifest.items[0]).toMatchObject({
      id: 'noto/1f600',
      group: 'emoji:1f600',
      label: 'grinning face',
    });

    expect((await readdir(path.join(outDir, 'LICENSES'))).sort()).toEqual([
      'emojibase-data-MIT.txt',
      'fluent-emoji-3d-MIT.txt',
      'noto-emoji-Apache-2.0.txt',
      'twemoji-CC-BY-4.0.txt',
    ]);
    const apache = await readFile(path.join(outDir, 'LICENSES/noto-emoji-Apache-2.0.txt'), 'utf8');
    expect(apache).toContain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION');
    const credits = await readFile(path.join(outDir, 'CREDITS.md'), 'utf8');
    expect(credits).toMatch(/Twemoji.*CC-BY-4.0.*@twemoji\/svg 15\.0\.0 \| 3 \|/);

    const text = creditsText(manifest);
    expect(text).toContain('Twemoji by Twitter, Inc. and other contributors');
    expect(text).toContain('CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)');
    expect(text).toContain('Noto Emoji by Google Inc., Apache-2.0: 3 images');
    expect(text.length).toBeLessThan(2000);
  });

  it('given only Noto, then every item is Noto art and every group keeps to one split', async () => {
    const outDir = path.join(await tempDir(), 'demo');
    const result = await buildDemoDataset({ outDir, sizePx: 8, limit: 40 });

    expect(Object.keys(result.bySource)).toEqual(['noto']);
    const { manifest } = await readDatasetCache(outDir);
    expect(manifest.items.every((item) => item.source === 'noto')).toBe(true);
    const splitOf = new Map<string, string>();
    for (const item of manifest.items) {
      expect(splitOf.get(item.group) ?? item.split).toBe(item.split);
      splitOf.set(item.group, item.split);
    }
    expect((await readdir(path.join(outDir, 'LICENSES'))).sort()).toEqual([
      'emojibase-data-MIT.txt',
      'noto-emoji-Apache-2.0.txt',
    ]);
  });

  it("given a rebuild over a demo set holding a user's notes and photos, then refuses and keeps them", async () => {
    const outDir = path.join(await tempDir(), 'demo');
    await buildDemoDataset({ outDir, sizePx: 8, limit: 2, sources: ALL_SOURCES });
    await writeFile(path.join(outDir, 'NOTES.txt'), 'notes');
    await mkdir(path.join(outDir, 'LICENSES/mine'));
    await writeFile(path.join(outDir, 'LICENSES/mine/photo.jpg'), 'photo');

    await expect(buildDemoDataset({ outDir, sizePx: 8, limit: 3 })).rejects.toMatchObject({
      code: 'out-dir-unsafe',
      details: { foreign: ['LICENSES/mine/', 'NOTES.txt'] },
    });
    expect(await readFile(path.join(outDir, 'LICENSES/mine/photo.jpg'), 'utf8')).toBe('photo');
    expect((await readDatasetCache(outDir)).manifest.count).toBe(2);
  });

  it('given a bad size, then refuses before rendering anything', async () => {
    await expect(buildDemoDataset({ outDir: await tempDir(), sizePx: 3 })).rejects.toThrow(
      /from 8 to 1024, found 3/,
    );
  });
});

describe('the Fluent Emoji 3D source', () => {
  it('given an allow-list, then sees only those files: no flags, objects or technologist', async () => {
    const art = await openFluent3d(silentLogger, new Set(['1f47b']));
    expect(art.has('1f47b')).toBe(true);
    for (const key of ['1f1ef-1f1f5', '1f4ce', '1f9d1-200d-1f4bb']) expect(art.has(key)).toBe(false);
    await expect(art.rasterize('1f4ce', 64)).rejects.toThrow(/no allowed file/);
  });
});

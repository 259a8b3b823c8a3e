import { describe, expect, it } from 'vitest';
import { TimelapseCache } from '../../src/timelapse/cache.js';
import { useModelsDirs, writeGrids } from './support.js';

const modelsDirs = useModelsDirs();

describe('the timelapse the bot keeps', () => {
  it('given several asks at once, then one render serves them all until a new grid is written', async () => {
    const folders = await modelsDirs();
    await writeGrids(folders, [100, 200, 300]);
    const cache = new TimelapseCache(folders);

    const [a, b, c] = await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(await cache.get()).toBe(a);

    await writeGrids(folders, [400]);
    const after = await cache.get();
    expect(after).not.toBe(a);
    expect(after).toMatchObject({ frames: 4, lastStep: 400 });
  });

  it('given a render that fails, then the next ask tries again rather than keeping the failure', async () => {
    const folders = await modelsDirs();
    const cache = new TimelapseCache(folders);
    await expect(cache.get()).rejects.toMatchObject({ code: 'no-grids' });
    await writeGrids(folders, [100, 200]);
    expect(await cache.get()).toMatchObject({ frames: 2 });
  });
});

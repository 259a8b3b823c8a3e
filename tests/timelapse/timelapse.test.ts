import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { TimelapseError } from '../../src/timelapse/errors.js';
import { makeTimelapse } from '../../src/timelapse/timelapse.js';
import { resumePoint } from '../../src/trainer/run-setup.js';
import { saveFreshCheckpoint } from '../support/checkpoint.js';
import { animationOf, gridName, useModelsDirs, writeGrids } from './support.js';

const modelsDirs = useModelsDirs();
const steps = (n: number, every = 100) => Array.from({ length: n }, (_, i) => (i + 1) * every);

async function failure(promise: Promise<unknown>): Promise<TimelapseError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TimelapseError);
  return err as TimelapseError;
}

describe('making a timelapse of a run', () => {
  it('given 20 grids and 6 frames, then a looping WebP of 6 evenly spread grids, the last held longer', async () => {
    const folders = await modelsDirs();
    await writeGrids(folders, steps(20));

    const made = await makeTimelapse(folders, { maxFrames: 6, fps: 10, holdLastMs: 2000 });

    expect(made).toMatchObject({
      frames: 6,
      gridsAvailable: 20,
      firstStep: 100,
      lastStep: 2000,
      attempts: 1,
    });
    const animation = await animationOf(made.webp);
    expect(animation).toMatchObject({ format: 'webp', pages: 6, width: 66, loop: 0 });
    expect(animation.delay).toEqual([100, 100, 100, 100, 100, 2000]);
    // The caption strip sits under the grid.
    expect(animation.pageHeight).toBeGreaterThan(66);
    expect(made.bytes).toBe(made.webp.byteLength);
  });

  it('given fewer grids than frames, then every grid is a frame, in step order', async () => {
    const folders = await modelsDirs();
    await writeGrids(folders, [900, 100, 400]);
    const made = await makeTimelapse(folders, { maxFrames: 48 });
    expect(made).toMatchObject({ frames: 3, firstStep: 100, lastStep: 900 });
    expect((await animationOf(made.webp)).pages).toBe(3);
  });

  it('given a width, then frames are scaled to it', async () => {
    const folders = await modelsDirs();
    await writeGrids(folders, steps(3));
    const made = await makeTimelapse(folders, { widthPx: 128 });
    expect((await animationOf(made.webp)).width).toBe(128);
  });

  it('given a byte budget the first try misses, then it retries smaller and never returns more than the budget', async () => {
    const folders = await modelsDirs();
    await writeGrids(folders, steps(24), { sizePx: 256, noise: 1 });
    const full = await makeTimelapse(folders, { maxFrames: 24 });
    const budget = Math.floor(full.bytes / 3);

    const made = await makeTimelapse(folders, { maxFrames: 24, maxBytes: budget });

    expect(made.bytes).toBeLessThanOrEqual(budget);
    expect(made.attempts).toBeGreaterThan(1);
    expect(made.frames * made.widthPx * made.quality).toBeLessThan(24 * 256 * 80);
    // Cutting frames keeps the first and the last grid of the run.
    expect(made).toMatchObject({ firstStep: 100, lastStep: 2400 });
  });

  it('given a budget nothing can fit, then it says so instead of writing a larger file', async () => {
    const folders = await modelsDirs();
    await writeGrids(folders, steps(3), { noise: 1 });
    const err = await failure(makeTimelapse(folders, { maxBytes: 200 }));
    expect(err.code).toBe('too-large');
    expect(err.message).toMatch(/does not fit in 0\.00 MiB/);
  });

  it('given a garbage grid and a truncated one, then both are skipped with a warning and the rest animate', async () => {
    const folders = await modelsDirs();
    const [, second, , , last] = await writeGrids(folders, steps(5));
    await writeFile(second as string, 'not a png at all');
    const whole = await readFile(last as string);
    await writeFile(last as string, whole.subarray(0, Math.floor(whole.length / 2)));
    const warnings: string[] = [];

    const made = await makeTimelapse(folders, { onWarning: (message) => warnings.push(message) });

    expect(made).toMatchObject({ frames: 3, firstStep: 100, lastStep: 400 });
    expect(made.skipped).toEqual([second, last]);
    expect(warnings).toEqual([
      expect.stringMatching(/^skipped step-000000200\.png: not a readable image/),
      expect.stringMatching(/^skipped step-000000500\.png: not a readable image/),
    ]);
  });

  it('given grids of two sizes, then it names both sizes and their steps and says what to do', async () => {
    const folders = await modelsDirs();
    await writeGrids(folders, [100, 200], { sizePx: 66 });
    await writeGrids(folders, [300], { sizePx: 130 });
    const err = await failure(makeTimelapse(folders));
    expect(err.code).toBe('mixed-sizes');
    expect(err.message).toContain(
      '66x66 px (2 grids, steps 100 to 200), 130x130 px (1 grid, steps 300 to 300)',
    );
    expect(err.message).toMatch(/move the ones you do not want/);
  });

  it('given no models folder, no grids, or one grid, then each says what it found and what to do', async () => {
    const folders = await modelsDirs();
    const missing = { modelsDir: join(folders.root, 'nope'), samplesDir: join(folders.root, 'nope', 's') };
    expect((await failure(makeTimelapse(missing))).code).toBe('no-models');
    expect((await failure(makeTimelapse(folders))).message).toMatch(/no sample grids in .*samples yet/);
    await writeGrids(folders, [100]);
    await mkdir(join(folders.samplesDir, gridName(200)));
    await writeFile(
      join(folders.samplesDir, 'latest.png'),
      await readFile(join(folders.samplesDir, gridName(100))),
    );
    const one = await failure(makeTimelapse(folders));
    expect(one.code).toBe('too-few-grids');
    expect(one.message).toMatch(/only one readable sample grid .* needs at least two/);
  });

  it('given a --fresh start, then only the grids the new run wrote are shown', async () => {
    const folders = await modelsDirs();
    const config = loadConfig({ NIGHTMASK_MODELS_DIR: folders.modelsDir }, folders.root);
    // The old run: grids up to step 900, written an hour ago.
    await writeGrids(folders, steps(9), { writtenAt: () => Date.now() - 3_600_000 });
    await saveFreshCheckpoint(config.paths.checkpointsDir, { step: 900 });
    const backend = { name: 'cpu' as const, device: 'test', gpu: false, candidates: [] };
    await resumePoint(config, backend, silentLogger, { fresh: true });
    // The new run overwrites steps 100 to 300.
    await writeGrids(folders, steps(3), { writtenAt: () => Date.now() + 1000 });

    const made = await makeTimelapse(folders);
    expect(made).toMatchObject({ frames: 3, firstStep: 100, lastStep: 300 });
  });
});

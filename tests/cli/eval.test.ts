import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerEvalCommand } from '../../src/cli/eval.js';
import { describeFailure } from '../../src/cli/failure.js';
import { writeDatasetCache } from '../../src/dataset/cache.js';
import { splitImages } from '../../src/eval/score.js';
import { writeTinyDataset } from '../support/tiny-dataset.js';

let root: string;
const saved = { ...process.env };
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightmask-eval-cli-'));
  process.env.NIGHTMASK_DATA_DIR = join(root, 'data');
  process.env.NIGHTMASK_MODELS_DIR = join(root, 'models');
});
afterEach(async () => {
  process.env = { ...saved };
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

/** Runs `nightmask eval` in this process; returns its stdout lines and what main.ts would show on failure. */
async function run(...args: string[]) {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  const program = new Command('nightmask').exitOverride().configureOutput({ writeErr: () => {} });
  registerEvalCommand(program);
  let failure: ReturnType<typeof describeFailure> = { message: undefined, exitCode: 0 };
  try {
    await program.parseAsync(['node', 'nightmask', 'eval', ...args]);
  } catch (e) {
    failure = describeFailure(e);
    if (failure.message === undefined && !(e instanceof CommanderError)) throw e;
  }
  return { lines, ...failure };
}

/** A dataset of 36 squares, a third of them held out. */
async function dataset() {
  const cache = await writeTinyDataset(join(root, 'data', 'dataset'), 32, 36);
  cache.manifest.items.forEach((item, i) => {
    if (i % 3 === 0) item.split = 'val';
  });
  await writeDatasetCache(join(root, 'data', 'dataset'), cache);
  return cache;
}

describe('nightmask eval', () => {
  it('given a folder of images, then it prints one JSON line with KID, its error, the count and the layer', async () => {
    const cache = await dataset();
    const folder = join(root, 'pictures');
    await mkdir(folder);
    for (const [i, pixels] of splitImages(cache, 'train').entries()) {
      const png = await sharp(Buffer.from(pixels), { raw: { width: 32, height: 32, channels: 3 } })
        .png()
        .toBuffer();
      await writeFile(join(folder, `mask ${i}.png`), png);
    }
    await writeFile(join(folder, 'notes.txt'), 'not an image');

    const result = await run(folder, '--threads', '1');
    expect(result.exitCode).toBe(0);
    expect(result.lines).toHaveLength(1);
    const score = JSON.parse(result.lines[0] as string);
    expect(score).toMatchObject({
      images: 24,
      referenceImages: 24,
      featureLayer: 'InceptionV3/mixed4',
      inputPx: 149,
      source: { kind: 'folder', path: folder },
    });
    expect(score.kid).toBeLessThan(0.01);
    expect(score.kidStderr).toBeGreaterThan(0);
    expect(score.nearest.median).toBeLessThan(1e-3);
  }, 120_000);

  it('given a dataset with fewer than 20 training images, then it says so before scoring anything', async () => {
    await writeTinyDataset(join(root, 'data', 'dataset'), 32, 12);
    const folder = join(root, 'enough');
    await mkdir(folder);
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    for (let i = 0; i < 20; i++) await writeFile(join(folder, `${i}.png`), png);
    expect(await run(folder)).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/at least 20 training images .* has 12$/),
    });
  });

  it('given no dataset, a damaged picture or too few, then one clear line and no stack', async () => {
    expect(await run('--held-out')).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/no dataset in .* run 'npx nightmask dataset' first/),
    });
    await dataset();
    const folder = join(root, 'bad');
    await mkdir(folder);
    await writeFile(join(folder, 'broken.png'), 'this is not a PNG');
    expect(await run(folder)).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/cannot read .*broken\.png as an image/),
    });
    expect(await run(join(root, 'nowhere'))).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/is not a folder of images/),
    });
    expect(await run('--held-out')).toMatchObject({
      exitCode: 2,
      message: 'KID needs at least 20 images; found 12',
    });
    expect(await run(folder, '--held-out')).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/not several/),
    });
    expect(await run('--images', '5')).toMatchObject({ exitCode: 1 });
    expect(await run('--checkpoint', 'step-00000053')).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /'step-00000053' is neither a checkpoint in .* there are no checkpoints there yet/,
      ),
    });
  });
});

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GeneratorClient } from '../../src/generate/client.js';
import { fileNightlyPoster } from '../../src/local/nightly-file.js';
import { createLogger, silentLogger } from '../../src/log/logger.js';
import type { Night } from '../../src/schedule/post.js';
import { finaleTimelapse } from '../../src/timelapse/finale.js';
import { DISCORD_SAFE_BYTES } from '../../src/timelapse/timelapse.js';
import { saveFreshCheckpoint } from '../support/checkpoint.js';
import { animationOf, useModelsDirs, writeGrids } from './support.js';

const modelsDirs = useModelsDirs();

/** A logger whose lines land in `lines`, parsed. */
function capture() {
  const lines: Array<{ msg: string; err?: { message: string } }> = [];
  const logger = createLogger({
    level: 'warn',
    destination: { write: (l: string) => lines.push(JSON.parse(l)) },
  });
  return { lines, logger };
}

const halloween: Night = {
  nightDate: '2027-10-31',
  nightsUntilHalloween: 0,
  countdown: 'Halloween night: the final nightmare.',
  isFinale: true,
  nonce: 'n',
  attempt: 1,
};

describe("the finale's timelapse", () => {
  it('given a post already too heavy for it, then none, and a warning that says why', async () => {
    const folders = await modelsDirs();
    await writeGrids(folders, [100, 200]);
    const { lines, logger } = capture();
    const made = await finaleTimelapse(folders, { otherBytes: DISCORD_SAFE_BYTES - 10, logger });
    expect(made).toBeUndefined();
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/would exceed the upload limit/)]);
  });

  it('given a night whose claim is lapsing, then it gives up at once and says so', async () => {
    const folders = await modelsDirs();
    await writeGrids(folders, [100, 200]);
    const { lines, logger } = capture();
    const signal = AbortSignal.abort(new Error('the nightly claim is about to lapse'));
    expect(await finaleTimelapse(folders, { otherBytes: 0, logger, signal })).toBeUndefined();
    expect(lines[0]?.err?.message).toBe('the nightly claim is about to lapse');
  });
});

describe("local mode's Halloween files", () => {
  let generator: GeneratorClient | undefined;
  afterEach(async () => {
    await generator?.close();
    generator = undefined;
  });

  async function setUp(grids: number[]) {
    const folders = await modelsDirs();
    await saveFreshCheckpoint(join(folders.modelsDir, 'checkpoints'));
    await writeGrids(folders, grids);
    generator = new GeneratorClient({
      logger: silentLogger,
      env: { NIGHTMASK_MODELS_DIR: folders.modelsDir, NIGHTMASK_BACKEND: 'cpu', NIGHTMASK_LOG_LEVEL: 'warn' },
    });
    const outputDir = join(folders.root, 'out');
    const post = fileNightlyPoster({ outputDir, generator, logger: silentLogger, folders });
    return { post, nightly: join(outputDir, 'nightly') };
  }

  it('given grids, then the timelapse is written beside the mask and named in its JSON', async () => {
    const { post, nightly } = await setUp([100, 200, 300]);
    expect(await post('local', halloween, new AbortController().signal)).toMatchObject({ kind: 'posted' });

    expect((await readdir(nightly)).sort()).toEqual([
      '2027-10-31-nightmare.json',
      '2027-10-31-nightmare.png',
      '2027-10-31-timelapse.webp',
    ]);
    const record = JSON.parse(await readFile(join(nightly, '2027-10-31-nightmare.json'), 'utf8'));
    expect(record).toMatchObject({ timelapse: '2027-10-31-timelapse.webp' });
    expect(record.caption).toMatch(/From noise to nightmare/);
    const webp = await readFile(join(nightly, '2027-10-31-timelapse.webp'));
    expect((await animationOf(webp)).pages).toBe(3);
  });

  it('given one grid, then the mask is still written, without a timelapse', async () => {
    const { post, nightly } = await setUp([100]);
    expect(await post('local', halloween, new AbortController().signal)).toMatchObject({ kind: 'posted' });
    expect((await readdir(nightly)).sort()).toEqual([
      '2027-10-31-nightmare.json',
      '2027-10-31-nightmare.png',
    ]);
    const record = JSON.parse(await readFile(join(nightly, '2027-10-31-nightmare.json'), 'utf8'));
    expect(record.timelapse).toBeUndefined();
  });
});

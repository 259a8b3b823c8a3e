import { fork } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restoreGan, snapshotGan } from '../../src/checkpoint/gan-io.js';
import {
  findCheckpointById,
  listCheckpoints,
  loadLatestCheckpoint,
  readCheckpoint,
  writeCheckpoint,
} from '../../src/checkpoint/store.js';
import { createGan, disposeGan, type GanState } from '../../src/gan/gan.js';
import { latentFromSeed } from '../../src/gan/latent.js';
import { Rng } from '../../src/gan/random.js';
import { trainStep } from '../../src/gan/step.js';
import { tf } from '../../src/gan/tf.js';
import { generateMasks } from '../../src/generate/generate.js';
import { encodePng, renderLatents } from '../../src/generate/render.js';
import { draftOf, saveFreshCheckpoint } from '../support/checkpoint.js';
import { tinyConfig } from '../support/tiny-gan.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nightmask-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const draft = draftOf;

async function trained(steps: number, seed = 1): Promise<GanState> {
  const gan = createGan(tinyConfig, seed);
  const rng = new Rng(seed);
  const real = tf.randomUniform([4, 32, 32, 3], -1, 1, 'float32', seed);
  for (let i = 0; i < steps; i++) {
    const l = trainStep(gan, real, rng);
    tf.dispose([l.discriminator, l.generator]);
  }
  real.dispose();
  return gan;
}

describe('checkpoint store', () => {
  it('given a saved checkpoint, then masks generated from it are byte-identical to the live EMA', async () => {
    const gan = await trained(3);
    const info = await writeCheckpoint(dir, draft(gan), await snapshotGan(gan));
    const fromDisk = await generateMasks(await readCheckpoint(info.path), {
      seeds: [1, 2],
      weirdness: 1,
      outPx: 64,
    });
    const live = await renderLatents(
      gan.ema,
      tinyConfig,
      [1, 2].map((s) => latentFromSeed(s, tinyConfig.latentDim)),
    );
    const livePngs = await Promise.all(live.map((pixels) => encodePng(pixels, tinyConfig.sizePx, 64)));
    expect(fromDisk.map((m, i) => m.png.equals(livePngs[i] as Buffer))).toEqual([true, true]);
    expect(fromDisk[0]?.png.equals(fromDisk[1]?.png as Buffer)).toBe(false);
    expect(fromDisk[0]?.png.subarray(1, 4).toString()).toBe('PNG');
    disposeGan(gan);
  });

  it('given a resumed run, then the step count and optimizer state continue exactly', async () => {
    // Two steps, checkpoint, restore; then the live run and the restored one take the same two steps.
    const half = await trained(2, 5);
    const info = await writeCheckpoint(dir, draft(half), await snapshotGan(half));
    const resumed = restoreGan(await readCheckpoint(info.path));
    expect(resumed.step).toBe(2);
    expect(resumed.gOptimizer.step).toBe(2);
    const halfM = await (half.gOptimizer.m.get('out/kernel') as tf.Variable).data();
    expect(await (resumed.gOptimizer.m.get('out/kernel') as tf.Variable).data()).toEqual(halfM);

    // Continue both copies of the half-run with the same data and stream: they must stay equal.
    const rngA = new Rng(99);
    const rngB = new Rng(99);
    const real = tf.randomUniform([4, 32, 32, 3], -1, 1, 'float32', 3);
    for (let i = 0; i < 2; i++) {
      tf.dispose(Object.values(trainStep(half, real, rngA)));
      tf.dispose(Object.values(trainStep(resumed, real, rngB)));
    }
    expect(resumed.step).toBe(4);
    expect(resumed.dOptimizer.step).toBe(4);
    const a = await (half.generator.params.get('up1/kernel') as tf.Variable).data();
    const b = await (resumed.generator.params.get('up1/kernel') as tf.Variable).data();
    expect(b).toEqual(a);
    real.dispose();
    [half, resumed].forEach(disposeGan);
  });

  it('given a damaged newest checkpoint, then the previous one is loaded instead', async () => {
    const gan = await trained(1);
    await writeCheckpoint(dir, draft(gan), await snapshotGan(gan));
    gan.step = 2;
    const newest = await writeCheckpoint(dir, draft(gan), await snapshotGan(gan));
    await writeFile(join(newest.path, 'weights.bin'), 'torn');
    const loaded = await loadLatestCheckpoint(dir);
    expect(loaded?.manifest.step).toBe(1);
    disposeGan(gan);
  });

  it('given a manifest whose tensor map points past weights.bin, then the checkpoint is refused, not zero-filled', async () => {
    const gan = await trained(1);
    const info = await writeCheckpoint(dir, draft(gan), await snapshotGan(gan));
    const path = join(info.path, 'checkpoint.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.tensors[3].offset = 1e9;
    await writeFile(path, JSON.stringify(manifest));
    await expect(readCheckpoint(info.path)).rejects.toThrow(/does not fit bytes 1000000000\.\./);
    disposeGan(gan);
  });

  it('given a writer killed at many instants mid-save, then the latest checkpoint always loads', async () => {
    const writer = join(import.meta.dirname, '..', 'support', 'checkpoint-writer.ts');
    for (const delayMs of [5, 30, 60, 90, 150, 250]) {
      const child = fork(writer, [dir], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      });
      // The writer says when its first save of this round is complete; the kill lands during later ones.
      await new Promise((r) => child.once('message', r));
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const loaded = await loadLatestCheckpoint(dir);
      expect(loaded, `after a kill at +${delayMs} ms`).toBeDefined();
    }
    expect((await listCheckpoints(dir)).length).toBeGreaterThan(0);
    expect((await readdir(dir)).some((n) => n.startsWith('step-'))).toBe(true);
  });
});

describe('finding a checkpoint by name', () => {
  it('given its id or its folder name, then it is found; a wrong hash or a stranger name is not', async () => {
    const written = await saveFreshCheckpoint(dir, { step: 536 });
    expect((await findCheckpointById(dir, written.id))?.manifest.id).toBe(written.id);
    expect((await findCheckpointById(dir, 'step-000000536'))?.manifest.id).toBe(written.id);
    expect(await findCheckpointById(dir, 'step-000000536-00000000')).toBeUndefined();
    expect(await findCheckpointById(dir, 'step-000000537')).toBeUndefined();
    expect(await findCheckpointById(dir, '../step-000000536')).toBeUndefined();
  });
});

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshotGan } from '../../src/checkpoint/gan-io.js';
import { type LoadedCheckpoint, loadLatestCheckpoint } from '../../src/checkpoint/store.js';
import { createGan, disposeGan } from '../../src/gan/gan.js';
import { silentLogger } from '../../src/log/logger.js';
import { Trainer } from '../../src/trainer/trainer.js';
import { writeTinyDataset } from '../support/tiny-dataset.js';
import { tinyConfig } from '../support/tiny-gan.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightmask-trainer-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const settings = () => ({
  checkpointsDir: join(root, 'checkpoints'),
  samplesDir: join(root, 'samples'),
  modelsDir: root,
  backend: { name: 'cpu' as const, device: 'test', gpu: false, candidates: [] },
  seed: 1,
  checkpointEverySteps: 1,
  checkpointEveryMs: 60_000,
  sampleEverySteps: 2,
  sampleEveryMs: 60_000,
  logger: silentLogger,
});

describe('trainer', () => {
  it('given fast steps, then it writes checkpoints, sample grids, and a loss log at most every few seconds', async () => {
    const dataset = await writeTinyDataset(join(root, 'dataset'));
    const trainer = Trainer.open(settings(), dataset, tinyConfig);
    for (let i = 0; i < 2; i++) await trainer.trainOnce();
    const log = (await readFile(join(root, 'losses.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.map((l) => l.step)).toEqual([1]);
    expect(Number.isFinite(log[0].discriminatorLoss)).toBe(true);
    expect(await readdir(join(root, 'checkpoints'))).toEqual(['step-000000001', 'step-000000002']);
    expect((await readdir(join(root, 'samples'))).sort()).toEqual(['latest.png', 'step-000000002.png']);
    trainer.dispose();
  });

  it('given a retrain from scratch, then the old run moves to models/archive and a restart resumes the new run', async () => {
    const dataset = await writeTinyDataset(join(root, 'dataset'));
    const trainer = Trainer.open(settings(), dataset, tinyConfig);
    for (let i = 0; i < 5; i++) await trainer.trainOnce();
    await trainer.restart('scratch', dataset, tinyConfig);
    for (let i = 0; i < 2; i++) await trainer.trainOnce();
    trainer.dispose();

    const [archived] = await readdir(join(root, 'archive'));
    expect(
      (await readdir(join(root, 'archive', archived as string))).filter((n) => n.startsWith('step-')),
    ).toEqual(['step-000000003', 'step-000000004', 'step-000000005']);
    expect((await readdir(join(root, 'checkpoints'))).filter((n) => n.startsWith('step-'))).toEqual([
      'step-000000001',
      'step-000000002',
    ]);
    const latest = await loadLatestCheckpoint(join(root, 'checkpoints'), silentLogger);
    expect(latest?.manifest.step).toBe(2);
  });

  it('given resumed weights that are NaN, then the step is not kept: new networks start at half the step size and nothing is checkpointed', async () => {
    const dataset = await writeTinyDataset(join(root, 'dataset'));
    const gan = createGan(tinyConfig, 1);
    const tensors = new Map(
      (await snapshotGan(gan)).map((t) => [
        t.name,
        {
          shape: t.shape,
          values: t.name.startsWith('discriminator/fc') ? t.values.map(() => Number.NaN) : t.values,
        },
      ]),
    );
    disposeGan(gan);
    const loaded = {
      path: '/in-memory',
      tensors,
      manifest: {
        step: 5,
        rngState: 1,
        optimizerSteps: { generator: 5, discriminator: 5 },
        config: tinyConfig,
        id: 'x',
        createdAt: '',
        trainer: {},
      },
    } as unknown as LoadedCheckpoint;
    const trainer = Trainer.open(settings(), dataset, tinyConfig, loaded);
    // The checkpoint it came from does not read back ('/in-memory'), so there is nothing to go back to.
    expect((await trainer.trainOnce()).rolledBack).toEqual({
      divergedAtStep: 6,
      toStep: 0,
      learningRate: tinyConfig.learningRate / 2,
      attempt: 1,
    });
    expect(await readdir(join(root, 'checkpoints'))).toEqual(['divergence.json']);
    trainer.dispose();
  });
});

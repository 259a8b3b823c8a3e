import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { BEST_QUALITY_FILE, formatKid } from '../../src/trainer/quality.js';
import { Trainer, type TrainerSettings } from '../../src/trainer/trainer.js';
import { writeTinyDataset } from '../support/tiny-dataset.js';
import { tinyConfig } from '../support/tiny-gan.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightmask-quality-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A checkpoint every step, no sample grids; the test says how quality is scored. */
function settings(quality: Partial<TrainerSettings>): TrainerSettings {
  return {
    checkpointsDir: join(root, 'checkpoints'),
    samplesDir: join(root, 'samples'),
    modelsDir: root,
    backend: { name: 'cpu', device: 'test', gpu: false, candidates: [] },
    seed: 1,
    checkpointEverySteps: 1,
    checkpointEveryMs: 3_600_000,
    sampleEverySteps: 1000,
    sampleEveryMs: 3_600_000,
    logger: silentLogger,
    ...quality,
  };
}

/** A clock the test moves by hand, so "every 15 minutes" happens at chosen steps. */
function manualClock() {
  let now = Date.parse('2026-12-04T20:00:00Z');
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('formatting a score', () => {
  it('given numbers, then four decimals; given what JSON made of NaN, then dashes', () => {
    expect(formatKid({ kid: 0.08123, kidStderr: 0.0031 })).toBe('0.0812 ± 0.0031');
    expect(
      formatKid({ kid: null, kidStderr: undefined } as unknown as { kid: number; kidStderr: number }),
    ).toBe('– ± –');
  });
});

describe('quality scores while training', () => {
  it('given a period, then due checkpoints are scored, logged beside the losses, and the best is marked and kept', async () => {
    const dataset = await writeTinyDataset(join(root, 'dataset'), 32, 24);
    const clock = manualClock();
    const trainer = Trainer.open(
      settings({ qualityEveryMs: 60_000, qualityImages: 24, qualityInputPx: 75, now: clock.now }),
      dataset,
      tinyConfig,
    );
    // Step 1: a checkpoint, but no period has passed yet: no score.
    await trainer.trainOnce();
    expect(trainer.progress(false).quality).toBeUndefined();
    // Step 2, a minute later: scored.
    clock.advance(60_000);
    await trainer.trainOnce();
    const first = trainer.progress(false).quality;
    expect(first?.latest.step).toBe(2);
    expect(first?.best).toEqual(first?.latest);
    expect(Number.isFinite(first?.latest.kid)).toBe(true);
    expect(first?.latest.kidStderr).toBeGreaterThan(0);
    // Step 3 at once: not due.
    await trainer.trainOnce();
    expect(trainer.progress(false).quality?.latest.step).toBe(2);

    const lines = (await readFile(join(root, 'losses.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const scored = lines.filter((l) => 'kid' in l);
    expect(scored).toHaveLength(1);
    expect(scored[0]).toMatchObject({ step: 2, best: true, checkpointId: first?.latest.checkpointId });

    const best = JSON.parse(await readFile(join(root, 'checkpoints', BEST_QUALITY_FILE), 'utf8'));
    expect(best.checkpointId).toBe(first?.latest.checkpointId);
    // Pruning keeps the newest three and the best: step 2 survives more checkpoints.
    for (let i = 0; i < 4; i++) await trainer.trainOnce();
    const kept = (await readdir(join(root, 'checkpoints'))).filter((n) => n.startsWith('step-'));
    expect(kept).toContain('step-000000002');
    expect(await readdir(join(root, 'checkpoints', 'step-000000002'))).toContain('best');
    trainer.dispose();
  }, 120_000);

  it('given scoring turned off, then no features are computed and nothing is logged about quality', async () => {
    const dataset = await writeTinyDataset(join(root, 'dataset'), 32, 24);
    const trainer = Trainer.open(settings({ qualityEveryMs: 0 }), dataset, tinyConfig);
    await trainer.trainOnce();
    await trainer.trainOnce();
    expect(trainer.progress(false).quality).toBeUndefined();
    expect(await readdir(root)).not.toContain('quality');
    trainer.dispose();
  });
});

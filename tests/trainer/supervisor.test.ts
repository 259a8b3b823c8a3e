import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshotGan } from '../../src/checkpoint/gan-io.js';
import { listCheckpoints, loadLatestCheckpoint, writeCheckpoint } from '../../src/checkpoint/store.js';
import { createGan, disposeGan } from '../../src/gan/gan.js';
import { tf } from '../../src/gan/tf.js';
import { silentLogger } from '../../src/log/logger.js';
import { DIVERGENCE_FILE } from '../../src/trainer/divergence.js';
import { readStatus } from '../../src/trainer/status-file.js';
import { TrainerSupervisor } from '../../src/trainer/supervisor.js';
import { draftOf } from '../support/checkpoint.js';
import { writeTinyDataset } from '../support/tiny-dataset.js';
import { tinyConfig } from '../support/tiny-gan.js';

let root: string;
let supervisor: TrainerSupervisor | undefined;

function tinyEnv(): NodeJS.ProcessEnv {
  return {
    NIGHTMASK_DATA_DIR: join(root, 'data'),
    NIGHTMASK_MODELS_DIR: join(root, 'models'),
    NIGHTMASK_BACKEND: 'cpu',
    NIGHTMASK_SIZE_PX: '32',
    NIGHTMASK_WIDTH: '4',
    NIGHTMASK_BATCH: '4',
    NIGHTMASK_CHECKPOINT_EVERY_STEPS: '5',
    NIGHTMASK_SAMPLE_EVERY_STEPS: '5',
    NIGHTMASK_LOG_LEVEL: 'warn',
    DISCORD_TOKEN: '',
  };
}

function until<T>(what: string, check: () => T | undefined, timeoutMs = 45_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightmask-supervisor-'));
  await writeTinyDataset(join(root, 'data', 'dataset'));
});
afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
  await rm(root, { recursive: true, force: true });
});

describe('trainer supervisor', () => {
  it('given a running trainer, then it reports progress, checkpoints, and stops with a final checkpoint', async () => {
    supervisor = new TrainerSupervisor({ logger: silentLogger, env: tinyEnv() });
    const checkpoints: number[] = [];
    supervisor.on('checkpoint', ({ step }) => checkpoints.push(step));
    supervisor.start();

    await until('a checkpoint', () => checkpoints.find((s) => s >= 5));
    const progress = supervisor.progress;
    expect(progress?.backend).toBe('cpu');
    expect(progress?.sizePx).toBe(32);

    await supervisor.stop();
    const last = await loadLatestCheckpoint(join(root, 'models', 'checkpoints'));
    const status = await readStatus(join(root, 'models'));
    expect(last?.manifest.step).toBe(status?.step);
    expect(last?.manifest.step).toBeGreaterThanOrEqual(5);
    expect(supervisor.lastExitInfo?.code).toBe(0);
  });

  it('given a trainer killed outright, then it is restarted and resumes from its last checkpoint', async () => {
    supervisor = new TrainerSupervisor({ logger: silentLogger, env: tinyEnv(), backoffMs: 100 });
    const exits: Array<number | undefined> = [];
    supervisor.on('exit', ({ restartInMs }) => exits.push(restartInMs));
    supervisor.start();
    await until('a checkpoint', () => (supervisor?.progress?.lastCheckpoint?.step ?? 0) >= 5 || undefined);
    const saved = (await listCheckpoints(join(root, 'models', 'checkpoints'))).at(-1)?.step ?? 0;
    const firstPid = supervisor.pid;

    process.kill(firstPid as number, 'SIGKILL');
    await until('the restart', () => (supervisor?.pid && supervisor.pid !== firstPid ? true : undefined));
    expect(exits).toEqual([100]);

    // The restarted trainer's first report continues from the checkpoint, not from zero.
    const resumed = await new Promise<number>((resolve) =>
      supervisor?.once('progress', (p) => resolve(p.step)),
    );
    expect(resumed).toBeGreaterThan(saved);
  });

  it('given a checkpoint every step from which diverges, then after three rollbacks the trainer stops for good and is not restarted', async () => {
    // Finite but enormous discriminator weights: every step from this checkpoint overflows to NaN,
    // whatever the learning rate, so each rollback to it fails again.
    const gan = createGan(tinyConfig, 1);
    gan.step = 4;
    for (const v of gan.discriminator.params.values()) tf.tidy(() => v.assign(tf.mul(v, 1e30)));
    const checkpointsDir = join(root, 'models', 'checkpoints');
    const written = await writeCheckpoint(checkpointsDir, draftOf(gan), await snapshotGan(gan));
    disposeGan(gan);

    supervisor = new TrainerSupervisor({ logger: silentLogger, env: tinyEnv(), backoffMs: 100 });
    const exits: Array<number | undefined> = [];
    supervisor.on('exit', ({ restartInMs }) => exits.push(restartInMs));
    supervisor.start();
    await until('the trainer to exit', () => exits[0] ?? (exits.length > 0 ? null : undefined));

    expect(supervisor.stoppedBecause).toMatch(
      /diverged again at step 5 .* after 3 rollbacks to the last good checkpoint.* restart nightmask with --fresh/,
    );
    expect(supervisor.lastExitInfo?.code).toBe(1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(exits).toEqual([undefined]);
    expect(supervisor.running).toBe(false);

    const record = JSON.parse(await readFile(join(checkpointsDir, DIVERGENCE_FILE), 'utf8'));
    expect(record).toMatchObject({ rollbacks: 3, learningRateScale: 0.125, stoppedForGood: { step: 5 } });
    // The checkpoint that masks are served from is untouched.
    const latest = await loadLatestCheckpoint(checkpointsDir);
    expect(latest?.manifest.id).toBe(written.id);
  });
});

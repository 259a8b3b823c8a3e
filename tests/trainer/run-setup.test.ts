import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { resumePoint } from '../../src/trainer/run-setup.js';
import { saveFreshCheckpoint } from '../support/checkpoint.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightmask-setup-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const backend = { name: 'cpu' as const, device: 'test', gpu: false, candidates: [] };

describe('where a run starts', () => {
  it('given a checkpoint, then the run resumes it; given --fresh, then it is moved aside and new networks start', async () => {
    const config = loadConfig({ NIGHTMASK_MODELS_DIR: join(root, 'models') }, root);
    await saveFreshCheckpoint(config.paths.checkpointsDir, { step: 7 });

    expect((await resumePoint(config, backend, silentLogger)).loaded?.manifest.step).toBe(7);
    const fresh = await resumePoint(config, backend, silentLogger, { fresh: true });
    expect(fresh.loaded).toBeUndefined();
    expect(fresh.ganConfig.sizePx).toBe(32);
    const [archived] = await readdir(join(root, 'models', 'archive'));
    expect(await readdir(join(root, 'models', 'archive', archived as string))).toEqual(['step-000000007']);
  });
});

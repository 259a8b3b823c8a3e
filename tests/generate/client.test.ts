import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GenerateError, GeneratorClient } from '../../src/generate/client.js';
import { silentLogger } from '../../src/log/logger.js';
import { saveFreshCheckpoint } from '../support/checkpoint.js';

let root: string;
let client: GeneratorClient;

const saveCheckpoint = (step: number) =>
  saveFreshCheckpoint(join(root, 'models', 'checkpoints'), { step, seed: step });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightmask-generator-'));
  client = new GeneratorClient({
    logger: silentLogger,
    env: {
      NIGHTMASK_MODELS_DIR: join(root, 'models'),
      NIGHTMASK_BACKEND: 'cpu',
      NIGHTMASK_LOG_LEVEL: 'warn',
    },
  });
});
afterEach(async () => {
  await client.close();
  await rm(root, { recursive: true, force: true });
});

describe('generator process', () => {
  it('given no checkpoint yet, then a request fails with no-checkpoint rather than crashing', async () => {
    const err = await client.masks([{ seed: 1, weirdness: 1 }], 64).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenerateError);
    expect((err as GenerateError).code).toBe('no-checkpoint');
  });

  it('given checkpoints, then it draws from the newest, pins it, and can redraw from an older id', async () => {
    const older = await saveCheckpoint(10);
    const first = await client.masks([{ seed: 5, weirdness: 1 }], 128);
    expect(first.checkpointId).toBe(older.id);
    expect(existsSync(join(older.path, 'pinned'))).toBe(true);
    expect(await sharp(first.masks[0]?.png).metadata()).toMatchObject({ format: 'png', width: 128 });

    const newer = await saveCheckpoint(20);
    const second = await client.masks([{ seed: 5, weirdness: 1 }], 128);
    expect(second.checkpointId).toBe(newer.id);

    const again = await client.masks([{ seed: 5, weirdness: 1 }], 128, older.id);
    expect(
      Buffer.from(again.masks[0]?.png as Uint8Array).equals(Buffer.from(first.masks[0]?.png as Uint8Array)),
    ).toBe(true);

    const gone = await client
      .masks([{ seed: 5, weirdness: 1 }], 64, 'step-000000003-deadbeef')
      .catch((e: unknown) => e);
    expect((gone as GenerateError).code).toBe('checkpoint-gone');
  });
});

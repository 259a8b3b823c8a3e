import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listCheckpoints } from '../../src/checkpoint/store.js';
import type { FakeDiscord } from '../support/fake-discord/index.js';
import { writeTinyDataset } from '../support/tiny-dataset.js';
import { startWorld } from './harness.js';

let fake: FakeDiscord | undefined;
let root: string | undefined;
afterEach(async () => {
  await fake?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('nightmask start with a token', () => {
  it('given SIGTERM, then it stops the schedule, the trainer saves a checkpoint, and the client says goodbye', async () => {
    fake = await startWorld();
    root = await mkdtemp(join(tmpdir(), 'nightmask-shutdown-'));
    await writeTinyDataset(join(root, 'data', 'dataset'));
    const main = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'start'], {
      // The repository root, so that `--import tsx` resolves; the data goes to the temporary folder.
      cwd: join(import.meta.dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        DISCORD_TOKEN: fake.token,
        DISCORD_CLIENT_ID: fake.applicationId,
        DISCORD_API_URL: fake.apiUrl,
        NIGHTMASK_DATA_DIR: join(root, 'data'),
        NIGHTMASK_MODELS_DIR: join(root, 'models'),
        NIGHTMASK_OUTPUT_DIR: join(root, 'out'),
        NIGHTMASK_BACKEND: 'cpu',
        NIGHTMASK_SIZE_PX: '32',
        NIGHTMASK_WIDTH: '4',
        NIGHTMASK_BATCH: '4',
        NIGHTMASK_LOG_LEVEL: 'info',
      },
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => {
      log += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    await fake
      .waitFor(
        () =>
          (log.includes('held out for the quality score)') && log.includes('connected to Discord')) ||
          undefined,
        {
          timeoutMs: 45_000,
          description: 'the bot connected and training',
        },
      )
      .catch((err: unknown) => {
        // A failed wait must not leave the bot running after the test.
        child.kill('SIGKILL');
        throw new Error(`${(err as Error).message}; its log:\n${log.slice(-3000)}`);
      });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const checkpoints = await listCheckpoints(join(root, 'models', 'checkpoints'));
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(log).toMatch(/"msg":"stopped cleanly"/);
    const closes = fake.gateway.connections().map((c) => c.closeCode);
    expect(closes).toContain(1000);
  });
});

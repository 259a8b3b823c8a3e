import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let models: string;
beforeEach(async () => {
  models = await mkdtemp(join(tmpdir(), 'nightmask-health-'));
});
afterEach(async () => {
  await rm(models, { recursive: true, force: true });
});

/** Runs the image's HEALTHCHECK command as Docker would, against `models`. */
function healthcheck(): { status: number | null; line: string } {
  const run = spawnSync(process.execPath, ['scripts/docker-healthcheck.mjs'], {
    env: { ...process.env, NIGHTMASK_MODELS_DIR: models },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, line: run.stdout.trim() };
}

const writeStatus = (updatedAt: Date) =>
  writeFile(
    join(models, 'status.json'),
    JSON.stringify({ step: 12, backend: 'webgpu', device: 'GPU: test', updatedAt: updatedAt.toISOString() }),
  );

describe("the container's health check", () => {
  it('given a status the trainer wrote a minute ago, then it is healthy and says where training runs', async () => {
    await writeStatus(new Date(Date.now() - 60_000));
    expect(healthcheck()).toEqual({
      status: 0,
      line: expect.stringMatching(/^healthy: step 12 on webgpu \(GPU: test\)/),
    });
  });

  it('given a status older than 15 minutes, then it is unhealthy and says since when', async () => {
    await writeStatus(new Date(Date.now() - 16 * 60_000));
    expect(healthcheck()).toEqual({
      status: 1,
      line: expect.stringMatching(/^unhealthy: .* over 15 minutes ago$/),
    });
  });

  it('given no status yet, then it is unhealthy and asks whether the trainer started', () => {
    expect(healthcheck()).toEqual({ status: 1, line: expect.stringMatching(/has the trainer started\?$/) });
  });
});

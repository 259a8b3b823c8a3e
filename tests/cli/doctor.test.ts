import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DoctorReport, diagnose, doctorExitCode } from '../../src/cli/doctor.js';
import { startFakeDiscord } from '../support/fake-discord/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightmask-doctor-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** An environment with nightmask's folders under the test's own temporary folder. */
const envWith = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  NIGHTMASK_DATA_DIR: join(root, 'data'),
  NIGHTMASK_MODELS_DIR: join(root, 'models'),
  ...extra,
});

describe('nightmask doctor', () => {
  it('given this machine, then it names the backend it would use, explains every other one, and exits 0', async () => {
    const report = await diagnose({ env: envWith(), cwd: root });
    expect(report.backend.wouldUse).not.toBeNull();
    expect(report.backend.device).toMatch(/^(CPU|GPU)/);
    const chosen = report.backend.candidates.find((c) => c.name === report.backend.wouldUse);
    expect(chosen?.available).toBe(true);
    for (const c of report.backend.candidates.filter((r) => !r.available))
      expect(c.fix, c.name).toMatch(/\w/);
    expect(report.disk.map((d) => d.path)).toEqual([join(root, 'data'), join(root, 'models')]);
    expect(report.disk.every((d) => typeof d.freeGiB === 'number')).toBe(true);
    expect(report.vulkan).toHaveProperty('drivers');
    expect(report.discordCheck).toBeUndefined();
    expect(doctorExitCode(report)).toBe(0);
  });

  it('given a container without the graphics capability, then a warning says to add it, and the exit code stays 0', async () => {
    const report = await diagnose({
      env: envWith({ NVIDIA_DRIVER_CAPABILITIES: 'compute,utility' }),
      cwd: root,
    });
    expect(report.warnings).toContainEqual(expect.stringMatching(/without 'graphics'/));
    expect(report.vulkan.nvidia.capabilities).toBe('compute,utility');
    expect(doctorExitCode(report)).toBe(0);
  });

  it('given a wrong variable, then the problem names it and the exit code is 1', async () => {
    const report = await diagnose({ env: envWith({ NIGHTMASK_BACKEND: 'gpu' }), cwd: root });
    expect(report.config.problems).toEqual([
      expect.stringMatching(/^NIGHTMASK_BACKEND: expected auto, tensorflow, webgpu/),
    ]);
    expect(doctorExitCode(report)).toBe(1);
  });

  it('given --discord and a token the fake Discord accepts, then it names the application', async () => {
    const fake = await startFakeDiscord({ applicationId: '123456789012345678' });
    try {
      const env = envWith({
        DISCORD_TOKEN: fake.token,
        DISCORD_CLIENT_ID: '123456789012345678',
        DISCORD_API_URL: fake.apiUrl,
      });
      const report = await diagnose({ env, cwd: root, checkDiscord: true });
      expect(report.discordCheck).toMatchObject({ ok: true, application: { id: '123456789012345678' } });
      expect(doctorExitCode(report)).toBe(0);
      expect(JSON.stringify(report)).not.toContain(fake.token);

      const wrongId = await diagnose({
        env: { ...env, DISCORD_CLIENT_ID: '876543210987654321' },
        cwd: root,
        checkDiscord: true,
      });
      expect(wrongId.config.problems).toEqual([
        expect.stringMatching(
          /DISCORD_CLIENT_ID is 876543210987654321 but the token belongs to application 1234/,
        ),
      ]);
      expect(doctorExitCode(wrongId)).toBe(1);
    } finally {
      await fake.close();
    }
  });

  it('given --discord and a token Discord refuses, then the problem says to copy it again, without showing it', async () => {
    const fake = await startFakeDiscord();
    try {
      const env = envWith({
        DISCORD_TOKEN: 'bm90LXRoZS10b2tlbg.wrong.token',
        DISCORD_CLIENT_ID: fake.applicationId,
        DISCORD_API_URL: fake.apiUrl,
      });
      const report = await diagnose({ env, cwd: root, checkDiscord: true });
      expect(report.config.problems).toEqual([expect.stringMatching(/refused DISCORD_TOKEN \(401\)/)]);
      expect(JSON.stringify(report)).not.toContain('bm90LXRoZS10b2tlbg');
    } finally {
      await fake.close();
    }
  });

  it('given --json on the command line, then it prints one JSON object and exits 0', () => {
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'doctor', '--json'], {
      env: { ...process.env, ...envWith(), NIGHTMASK_BACKEND: 'auto' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(cli.status, cli.stderr).toBe(0);
    const lines = cli.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0] as string) as DoctorReport;
    expect(report.backend.wouldUse).toMatch(/^(tensorflow|webgpu|native|cpu)$/);
  });
});

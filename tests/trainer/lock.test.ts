import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockModelsDir, TrainerLockedError } from '../../src/trainer/lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nightmask-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('models folder lock', () => {
  it('given a live process holding the lock, then a second trainer is refused with its pid', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    await writeFile(join(dir, 'trainer.lock'), JSON.stringify({ pid: sleeper.pid }));
    const err = await lockModelsDir(dir).catch((e: unknown) => e);
    sleeper.kill();
    expect(err).toBeInstanceOf(TrainerLockedError);
    expect((err as Error).message).toContain(`pid ${sleeper.pid}`);
  });

  it('given a lock left by a process that died, then it is taken over, and released after', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.once('exit', r));
    await writeFile(join(dir, 'trainer.lock'), JSON.stringify({ pid: dead.pid }));
    const release = await lockModelsDir(dir);
    expect(JSON.parse(await readFile(join(dir, 'trainer.lock'), 'utf8')).pid).toBe(process.pid);
    await release();
    await expect(readFile(join(dir, 'trainer.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

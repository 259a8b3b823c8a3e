import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

const LOCK_FILE = 'trainer.lock';

/** Another trainer is writing checkpoints to the same folder. */
export class TrainerLockedError extends Error {
  override readonly name = 'TrainerLockedError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, which still means it is running.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims the models folder for one trainer. Two trainers on one folder (`nightmask start` and
 * `nightmask train` at once) would each resume from the same checkpoint and overwrite each other's
 * steps. A lock left by a process that no longer runs (killed with SIGKILL) is taken over.
 * Returns the function that releases it.
 */
export async function lockModelsDir(modelsDir: string): Promise<() => Promise<void>> {
  await mkdir(modelsDir, { recursive: true });
  const path = join(modelsDir, LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, mine, { flag: 'wx' });
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readFile(path, 'utf8')
      .then((t) => JSON.parse(t) as { pid?: number; host?: string })
      .catch(() => ({}) as { pid?: number; host?: string });
    const sameHost = holder.host === undefined || holder.host === hostname();
    if (holder.pid && sameHost && holder.pid !== process.pid && alive(holder.pid)) {
      throw new TrainerLockedError(
        `another trainer (pid ${holder.pid}) is already training in ${modelsDir}. Stop it first, ` +
          'or give this one its own NIGHTMASK_MODELS_DIR.',
      );
    }
    await unlink(path).catch(() => undefined);
  }
  throw new TrainerLockedError(`could not lock ${modelsDir}: ${path} keeps coming back`);
}

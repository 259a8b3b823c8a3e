import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';

/**
 * Returns a maker of fresh temporary folders, removed after each test ('each') or after the whole file
 * ('all', for folders made in beforeAll and shared by several tests).
 */
export function useTempDirs(lifetime: 'each' | 'all' = 'each'): () => Promise<string> {
  const made: string[] = [];
  const cleanUp = async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  };
  if (lifetime === 'each') afterEach(cleanUp);
  else afterAll(cleanUp);

  return async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'nightmask-dataset-'));
    made.push(dir);
    return dir;
  };
}

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TimelapseError } from './errors.js';

/** One fixed-seed sample grid the trainer wrote, `samples/step-000012400.png`. */
export interface SampleGrid {
  readonly step: number;
  readonly path: string;
  readonly mtimeMs: number;
}

/** Where a run keeps its grids; `config.paths` fits. */
export interface RunFolders {
  readonly modelsDir: string;
  readonly samplesDir: string;
}

const GRID_NAME = /^step-(\d+)\.png$/;
// run-setup names the folder a --fresh start moves the old checkpoints to after the time of the move.
const ARCHIVE_NAME = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/;

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** When the current run began, if a `--fresh` start set an earlier run aside; else undefined. */
async function freshStartAt(modelsDir: string): Promise<number | undefined> {
  const times = (await readdirOrEmpty(join(modelsDir, 'archive')))
    .map((name) => ARCHIVE_NAME.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, date, h, m, s, ms]) => Date.parse(`${date}T${h}:${m}:${s}.${ms}Z`))
    .filter(Number.isFinite);
  return times.length > 0 ? Math.max(...times) : undefined;
}

/**
 * The sample grids of the current run, oldest step first. `--fresh` moves the old checkpoints aside
 * but leaves their grids in samples/, and the new run writes its own over the same names; so grids
 * last written before the newest fresh start belong to an earlier run and are left out.
 */
export async function listRunGrids(folders: RunFolders): Promise<SampleGrid[]> {
  const models = await stat(folders.modelsDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
    throw err;
  });
  if (!models?.isDirectory()) {
    throw new TimelapseError(
      'no-models',
      `there is no models folder at ${folders.modelsDir}. Train first ('npm start' or ` +
        "'nightmask train --minutes 10'), or point --models at the folder that holds samples/.",
      { modelsDir: folders.modelsDir },
    );
  }

  const since = await freshStartAt(folders.modelsDir);
  const grids: SampleGrid[] = [];
  for (const name of await readdirOrEmpty(folders.samplesDir)) {
    const match = GRID_NAME.exec(name);
    if (!match) continue;
    const path = join(folders.samplesDir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || (since !== undefined && info.mtimeMs < since)) continue;
    grids.push({ step: Number(match[1]), path, mtimeMs: info.mtimeMs });
  }
  return grids.sort((a, b) => a.step - b.step);
}

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import type { TrainerProgress } from './protocol.js';

const FILE = 'status.json';

/**
 * The trainer's latest progress, kept in models/status.json so that another process (`nightmask
 * generate`, `doctor`, a restarted bot) can say how training is going without asking the trainer.
 */
export async function writeStatus(modelsDir: string, progress: TrainerProgress): Promise<void> {
  await mkdir(modelsDir, { recursive: true });
  await writeFileAtomic(join(modelsDir, FILE), `${JSON.stringify(progress, null, 2)}\n`);
}

export async function readStatus(modelsDir: string): Promise<TrainerProgress | undefined> {
  try {
    return JSON.parse(await readFile(join(modelsDir, FILE), 'utf8')) as TrainerProgress;
  } catch {
    return undefined;
  }
}

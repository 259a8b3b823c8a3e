import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import { fsyncPath } from '../util/atomic.js';
import { CheckpointError } from './errors.js';
import {
  CHECKPOINT_DIR_PATTERN,
  type CheckpointManifest,
  checkpointDirName,
  checkpointManifestSchema,
  type TensorEntry,
} from './format.js';

/** A checkpoint read from disk: its manifest and every tensor's values by name. */
export interface LoadedCheckpoint {
  path: string;
  manifest: CheckpointManifest;
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
}

export interface CheckpointInfo {
  path: string;
  step: number;
}

export interface WrittenCheckpoint extends CheckpointInfo {
  /** The manifest's id: folder name plus the start of the weights' checksum. */
  id: string;
}

/** What a writer hands over: the manifest without the fields the store computes. */
export type CheckpointDraft = Omit<
  CheckpointManifest,
  'tensors' | 'weightsSha256' | 'weightsByteLength' | 'formatVersion' | 'id'
>;

/**
 * Writes a checkpoint folder atomically: everything goes into a hidden temporary folder, is flushed,
 * and the folder is renamed into place last. A kill at any instant leaves either no new checkpoint
 * or a complete one, and the previous checkpoints are untouched until the new one is in place.
 */
export async function writeCheckpoint(
  rootDir: string,
  draft: CheckpointDraft,
  tensors: Array<{ name: string; shape: number[]; values: Float32Array }>,
  options: { keep?: number; logger?: Logger } = {},
): Promise<WrittenCheckpoint> {
  const logger = options.logger ?? silentLogger;
  await mkdir(rootDir, { recursive: true });

  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const t of tensors) {
    entries.push({ name: t.name, shape: t.shape, dtype: 'float32', offset, byteLength: t.values.byteLength });
    offset += t.values.byteLength;
  }
  const weights = Buffer.alloc(offset);
  tensors.forEach((t, i) => {
    const src = Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength);
    src.copy(weights, (entries[i] as TensorEntry).offset);
  });
  const weightsSha256 = createHash('sha256').update(weights).digest('hex');

  const name = checkpointDirName(draft.step);
  const manifest: CheckpointManifest = {
    formatVersion: 1,
    id: `${name}-${weightsSha256.slice(0, 8)}`,
    ...draft,
    weightsSha256,
    weightsByteLength: weights.byteLength,
    tensors: entries,
  };

  const tmp = join(rootDir, `.tmp-${name}-${process.pid}-${Date.now()}`);
  await mkdir(tmp);
  try {
    await writeFile(join(tmp, 'weights.bin'), weights);
    await writeFile(join(tmp, 'checkpoint.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await fsyncPath(join(tmp, 'weights.bin'));
    await fsyncPath(join(tmp, 'checkpoint.json'));
    await fsyncPath(tmp);

    // A checkpoint of the same step (a save on shutdown right after a scheduled one) is replaced.
    const final = join(rootDir, name);
    await rm(final, { recursive: true, force: true });
    await rename(tmp, final);
    await fsyncPath(rootDir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }

  await pruneCheckpoints(rootDir, options.keep ?? 3, logger);
  logger.debug({ step: draft.step, bytes: weights.byteLength }, 'checkpoint written');
  return { path: join(rootDir, name), step: draft.step, id: manifest.id };
}

/**
 * Finds a checkpoint by its manifest id (`step-000001200-1a2b3c4d`) or its folder name
 * (`step-000001200`, what `ls models/checkpoints` shows), if it is still on disk.
 */
export async function findCheckpointById(rootDir: string, id: string): Promise<LoadedCheckpoint | undefined> {
  const m = /^(step-\d{9})(-[0-9a-f]{8})?$/.exec(id);
  if (!m) return undefined;
  try {
    const loaded = await readCheckpoint(join(rootDir, m[1] as string));
    return m[2] === undefined || loaded.manifest.id === id ? loaded : undefined;
  } catch {
    return undefined;
  }
}

/** Checkpoint folders by ascending step. Temporary folders and stray files are ignored. */
export async function listCheckpoints(rootDir: string): Promise<CheckpointInfo[]> {
  let names: string[];
  try {
    names = await readdir(rootDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .map((n) => ({ n, m: CHECKPOINT_DIR_PATTERN.exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null)
    .map(({ n, m }) => ({ path: join(rootDir, n), step: Number(m[1]) }))
    .sort((a, b) => a.step - b.step);
}

/** Reads and verifies one checkpoint folder; throws CheckpointError saying what is wrong. */
export async function readCheckpoint(path: string): Promise<LoadedCheckpoint> {
  let manifest: CheckpointManifest;
  try {
    const raw: unknown = JSON.parse(await readFile(join(path, 'checkpoint.json'), 'utf8'));
    manifest = checkpointManifestSchema.parse(raw);
  } catch (err) {
    throw new CheckpointError(`unreadable checkpoint.json: ${(err as Error).message}`, path, { cause: err });
  }

  let weights: Buffer;
  try {
    weights = await readFile(join(path, 'weights.bin'));
  } catch (err) {
    throw new CheckpointError(`cannot read weights.bin: ${(err as Error).message}`, path, { cause: err });
  }
  if (weights.byteLength !== manifest.weightsByteLength) {
    const msg = `weights.bin has ${weights.byteLength} bytes, the manifest expects ${manifest.weightsByteLength}`;
    throw new CheckpointError(msg, path);
  }
  const sha = createHash('sha256').update(weights).digest('hex');
  if (sha !== manifest.weightsSha256) {
    throw new CheckpointError('weights.bin does not match its checksum: the file is damaged', path);
  }

  // The checksum covers weights.bin only: the manifest's own map of it is checked here.
  for (const t of manifest.tensors) {
    const elements = t.shape.reduce((a, b) => a * b, 1);
    if (t.byteLength !== elements * 4 || t.offset + t.byteLength > weights.byteLength) {
      const where = `bytes ${t.offset}..${t.offset + t.byteLength} of ${weights.byteLength}`;
      throw new CheckpointError(`tensor '${t.name}' of shape [${t.shape}] does not fit ${where}`, path);
    }
  }

  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const t of manifest.tensors) {
    // Copy into an aligned buffer: Float32Array views need offsets that are multiples of 4.
    const values = new Float32Array(t.byteLength / 4);
    Buffer.from(values.buffer).set(weights.subarray(t.offset, t.offset + t.byteLength));
    tensors.set(t.name, { shape: t.shape, values });
  }
  return { path, manifest, tensors };
}

/**
 * The newest checkpoint that reads back intact, or undefined when there is none. A damaged newer one
 * (a disk that filled up, a file someone edited) is logged and passed over rather than ending the run.
 */
export async function loadLatestCheckpoint(
  rootDir: string,
  logger: Logger = silentLogger,
): Promise<LoadedCheckpoint | undefined> {
  const all = await listCheckpoints(rootDir);
  for (const info of all.reverse()) {
    try {
      return await readCheckpoint(info.path);
    } catch (err) {
      logger.warn({ err, path: info.path }, 'skipping a damaged checkpoint');
    }
  }
  return undefined;
}

const PIN_FILE = 'pinned';
/** Pinned checkpoints kept at most, newest first; older pins are released. */
const MAX_PINNED = 24;

/**
 * Marks a checkpoint as one that masks were handed out from, so that pruning keeps it and a mask id
 * can be drawn again later. Pins are bounded: only the newest MAX_PINNED are kept.
 */
export async function pinCheckpoint(path: string): Promise<void> {
  await writeFile(join(path, PIN_FILE), `${new Date().toISOString()}\n`).catch(
    (err: NodeJS.ErrnoException) => {
      // The trainer pruned it in the meantime; nothing left to keep.
      if (err.code !== 'ENOENT') throw err;
    },
  );
}

async function isPinned(path: string): Promise<boolean> {
  return stat(join(path, PIN_FILE)).then(
    () => true,
    () => false,
  );
}

/** Marks the checkpoint with the best quality score so far; pruning always keeps it. */
const BEST_FILE = 'best';

/** Makes `path` the run's best checkpoint, taking the mark from the one that had it. */
export async function markBestCheckpoint(rootDir: string, path: string): Promise<void> {
  for (const old of await listCheckpoints(rootDir)) {
    if (old.path !== path) await rm(join(old.path, BEST_FILE), { force: true });
  }
  await writeFile(join(path, BEST_FILE), `${new Date().toISOString()}\n`);
}

async function isBest(path: string): Promise<boolean> {
  return stat(join(path, BEST_FILE)).then(
    () => true,
    () => false,
  );
}

/**
 * Keeps the newest `keep` checkpoints, the best one by quality score, and the newest pinned ones, and
 * removes temporary folders left by a killed writer.
 */
async function pruneCheckpoints(rootDir: string, keep: number, logger: Logger): Promise<void> {
  const all = await listCheckpoints(rootDir);
  const older = all.slice(0, Math.max(0, all.length - keep)).reverse();
  let pinned = 0;
  for (const old of older) {
    if (await isBest(old.path)) continue;
    if ((await isPinned(old.path)) && pinned < MAX_PINNED) {
      pinned += 1;
      continue;
    }
    await rm(old.path, { recursive: true, force: true });
  }
  for (const name of await readdir(rootDir)) {
    if (!name.startsWith('.tmp-')) continue;
    const path = join(rootDir, name);
    // Only folders older than a minute: a second writer (another process) may own a fresh one.
    const age = Date.now() - (await stat(path)).mtimeMs;
    if (age > 60_000) {
      await rm(path, { recursive: true, force: true });
      logger.info({ path }, 'removed a half-written checkpoint left by an interrupted save');
    }
  }
}

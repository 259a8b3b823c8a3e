import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { foreignEntries, removeOwnFiles } from './cache-folder.js';
import { DatasetError, messageOf } from './errors.js';

/** One training image in the cache. */
export interface DatasetItem {
  /** Unique within the cache: `noto/1f47b` for demo art, the relative path for a user's photo. */
  id: string;
  /** SHA-256 of the item's RGB bytes in images.u8; equal hashes were dropped as duplicates. */
  sha256: string;
  /** The character this image shows; every item of a group shares one split. */
  group: string;
  split: 'train' | 'val';
  /** Where the pixels came from: a package file or a path relative to the ingested folder. */
  origin: string;
  /** 'noto' | 'twemoji' | 'fluent3d' | 'folder' */
  source: string;
  /** The emoji's English name, for demo art. */
  label?: string;
}

export interface DatasetManifest {
  formatVersion: 1;
  sizePx: number;
  count: number;
  channels: 3;
  createdAt: string;
  source: { kind: 'demo'; sources: string[] } | { kind: 'folder'; path: string; fit: 'crop' | 'pad' };
  items: DatasetItem[];
}

export interface DatasetCache {
  manifest: DatasetManifest;
  /** count × sizePx × sizePx × 3 bytes, RGB, row-major; item i starts at i × sizePx × sizePx × 3. */
  pixels: Uint8Array;
}

export const MANIFEST_FILE = 'manifest.json';
export const PIXELS_FILE = 'images.u8';

/**
 * Files a cache folder holds that its manifest may not list: caches written before manifests listed
 * their files held these (the quarantine report of an ingest, the credits and licences of the demo set).
 */
const UNLISTED_OWN_FILES: readonly string[] = [
  MANIFEST_FILE,
  PIXELS_FILE,
  'quarantine.json',
  'CREDITS.md',
  'LICENSES/noto-emoji-Apache-2.0.txt',
  'LICENSES/twemoji-CC-BY-4.0.txt',
  'LICENSES/fluent-emoji-3d-MIT.txt',
  'LICENSES/emojibase-data-MIT.txt',
];

/** Foreign entries named in a refusal; the error's details carry them all. */
const LISTED_FOREIGN = 10;

/** The part of manifest.json that lists the files written with it; readDatasetCache ignores it. */
const writtenFilesSchema = z.object({ files: z.array(z.string()) });

const itemSchema = z.object({
  id: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  group: z.string().min(1),
  split: z.enum(['train', 'val']),
  origin: z.string(),
  source: z.string().min(1),
  label: z.string().exactOptional(),
});

const manifestSchema: z.ZodType<DatasetManifest> = z.object({
  formatVersion: z.literal(1),
  sizePx: z.int().min(1).max(4096),
  count: z.int().min(0),
  channels: z.literal(3),
  createdAt: z.string(),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('demo'), sources: z.array(z.string()) }),
    z.object({ kind: z.literal('folder'), path: z.string(), fit: z.enum(['crop', 'pad']) }),
  ]),
  items: z.array(itemSchema),
});

/**
 * Names a dataset build: a new ingest or demo build gives a new id. Checkpoints record it (to warn when
 * training resumes on other data) and so does the best quality score (scores against other images do
 * not compare).
 */
export function datasetId(dataset: DatasetCache): string {
  return `${dataset.manifest.source.kind}:${dataset.manifest.count}:${dataset.manifest.createdAt}`;
}

/** Bytes one item takes in images.u8. */
export function itemBytes(sizePx: number): number {
  return sizePx * sizePx * 3;
}

/** Options for {@link writeDatasetCache}. */
export interface WriteCacheOptions {
  /** More files to place in the cache folder, by relative path: licences, credits, the quarantine report. */
  extraFiles?: Record<string, string | Uint8Array>;
}

/**
 * Writes a cache folder atomically: everything goes into a temporary folder beside `dir`, which then
 * takes `dir`'s place by rename, so a crash leaves either the old cache, the new one, or none, never half
 * of one. An existing `dir` is replaced only when it is empty or holds a cache and nothing else; any
 * other folder is refused, because replacing it would delete files that are not ours (a photo folder
 * given as --out, notes or pictures put into an old cache). The manifest lists every file written
 * (`files`), so that the next write knows which files it may delete. A symbolic link `dir` stays: the
 * cache it points to is replaced.
 */
export async function writeDatasetCache(
  dir: string,
  cache: DatasetCache,
  options: WriteCacheOptions = {},
): Promise<void> {
  checkConsistent(cache, dir);
  if (cache.manifest.count === 0) {
    throw new DatasetError(
      'nothing-usable',
      `Expected at least one image for the dataset cache at ${dir}, found none; nothing was written. ` +
        'A cache without images cannot be trained on.',
      { dir },
    );
  }
  const extraFiles = options.extraFiles ?? {};
  checkRelative(Object.keys(extraFiles), dir);
  const target = await realpath(path.resolve(dir)).catch(() => path.resolve(dir));
  const parent = path.dirname(target);
  await mkdir(parent, { recursive: true });
  const oldFiles = await checkReplaceable(target);

  const nonce = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = path.join(parent, `.${path.basename(target)}.tmp-${nonce}`);
  try {
    await mkdir(staging);
    await writeDurably(path.join(staging, PIXELS_FILE), cache.pixels);
    for (const [relative, content] of Object.entries(extraFiles)) {
      const file = path.join(staging, relative);
      await mkdir(path.dirname(file), { recursive: true });
      await writeDurably(file, content);
    }

    // The manifest goes last: a staging folder with a manifest is complete.
    const files = [PIXELS_FILE, ...Object.keys(extraFiles), MANIFEST_FILE];
    const manifest = { ...cache.manifest, files };
    await writeDurably(path.join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
    await swapIn(staging, target, nonce, oldFiles);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Reads and checks a cache folder. Throws a DatasetError when it is missing or holds no images, when
 * the manifest does not parse or disagrees with itself, or when images.u8 does not hold exactly
 * count × sizePx² × 3 bytes.
 */
export async function readDatasetCache(dir: string): Promise<DatasetCache> {
  const manifestPath = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (err) {
    throw new DatasetError(
      'cache-missing',
      `Expected a dataset cache at ${dir} (its ${MANIFEST_FILE}), found none (${messageOf(err)}). ` +
        'Run "nightmask dataset" to build the demo set or "nightmask ingest <folder>" for your own images.',
      { dir },
    );
  }

  const manifest = parseManifest(text, manifestPath);
  // An empty cache would train on nothing and give NaN losses.
  if (manifest.count === 0) {
    throw new DatasetError(
      'cache-empty',
      `Expected the dataset cache at ${dir} to hold at least one image; its manifest lists no images, so ` +
        'there is nothing to train on. Build it again with "nightmask dataset" (the demo set) or ' +
        '"nightmask ingest <folder>" (your own images).',
      { dir },
    );
  }
  const pixelsPath = path.join(dir, PIXELS_FILE);
  const expectedBytes = manifest.count * itemBytes(manifest.sizePx);
  const foundBytes = await stat(pixelsPath).then(
    (s) => s.size,
    () => -1,
  );
  if (foundBytes !== expectedBytes) {
    const found = foundBytes < 0 ? 'no such file' : `${foundBytes} bytes`;
    throw new DatasetError(
      'cache-size-mismatch',
      `Expected ${pixelsPath} to hold ${expectedBytes} bytes (${manifest.count} images of ` +
        `${manifest.sizePx}×${manifest.sizePx}×3), found ${found}. The cache is damaged or half-copied: ` +
        'build it again with "nightmask dataset" or "nightmask ingest <folder>".',
      { dir, expectedBytes, foundBytes },
    );
  }

  const buffer = await readFile(pixelsPath);
  const pixels = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return { manifest, pixels };
}

/** Whether `dir` holds a cache's two files. Cheap: it does not validate them; readDatasetCache does. */
export async function hasDatasetCache(dir: string): Promise<boolean> {
  const present = async (file: string) =>
    stat(path.join(dir, file)).then(
      (s) => s.isFile(),
      () => false,
    );
  return (await present(MANIFEST_FILE)) && (await present(PIXELS_FILE));
}

function parseManifest(text: string, manifestPath: string): DatasetManifest {
  const corrupt = (what: string, details: Record<string, unknown> = {}) =>
    new DatasetError(
      'cache-corrupt',
      `Expected ${manifestPath} to be a nightmask dataset manifest (format 1), but ${what}. ` +
        'Build the cache again with "nightmask dataset" or "nightmask ingest <folder>".',
      { manifestPath, ...details },
    );

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw corrupt(`it is not valid JSON (${messageOf(err)})`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw corrupt(`it does not match: ${z.prettifyError(parsed.error)}`);
  const manifest = parsed.data;

  if (manifest.count !== manifest.items.length) {
    throw corrupt(`its count says ${manifest.count} and it lists ${manifest.items.length} items`);
  }
  const ids = new Set(manifest.items.map((item) => item.id));
  if (ids.size !== manifest.items.length) {
    throw corrupt(`${manifest.items.length - ids.size} item ids appear more than once`);
  }
  const splitOf = new Map<string, string>();
  for (const item of manifest.items) {
    const seen = splitOf.get(item.group);
    if (seen !== undefined && seen !== item.split) {
      throw corrupt(`group "${item.group}" has items in both train and val`, { group: item.group });
    }
    splitOf.set(item.group, item.split);
  }
  return manifest;
}

function checkConsistent(cache: DatasetCache, dir: string): void {
  const { manifest, pixels } = cache;
  const expectedBytes = manifest.items.length * itemBytes(manifest.sizePx);
  if (manifest.count !== manifest.items.length || pixels.byteLength !== expectedBytes) {
    throw new Error(
      `Refusing to write the dataset cache at ${dir}: expected count (${manifest.count}), items ` +
        `(${manifest.items.length}) and pixels (${pixels.byteLength} bytes, want ${expectedBytes}) ` +
        'to agree. This is a bug in the code that built the cache.',
    );
  }
}

/** Throws unless every relative path stays inside the cache folder: a bug in the caller otherwise. */
function checkRelative(files: readonly string[], dir: string): void {
  for (const file of files) {
    if (path.isAbsolute(file) || file.split(/[\\/]/).some((part) => part === '..' || part === '')) {
      throw new Error(
        `Refusing to write "${file}" into the dataset cache at ${dir}: expected a relative path.`,
      );
    }
  }
}

/**
 * Refuses a `target` that must not be replaced: a file, a broken link, a folder that is no cache, or a
 * cache holding anything nightmask did not write. Returns the files that are ours to delete there.
 */
async function checkReplaceable(target: string): Promise<ReadonlySet<string>> {
  let entries: string[];
  try {
    entries = await readdir(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const link = await lstat(target).catch(() => undefined);
      if (link === undefined) return new Set();
      throw new DatasetError(
        'out-dir-unsafe',
        `Expected the dataset output ${target} to be a folder, found a symbolic link to something that ` +
          'does not exist. Remove the link or point it at a folder, or choose another --out.',
        { target },
      );
    }
    if (code === 'ENOTDIR') {
      throw new DatasetError(
        'out-dir-unsafe',
        `Expected the dataset output ${target} to be a folder, found a file. Choose another --out.`,
        { target },
      );
    }
    throw err;
  }
  if (entries.length === 0) return new Set();

  // Both files, not just manifest.json: web projects have a manifest.json too.
  const isCache = entries.includes(MANIFEST_FILE) && entries.includes(PIXELS_FILE);
  if (!isCache) {
    throw new DatasetError(
      'out-dir-unsafe',
      `Expected the dataset output ${target} to be new, empty or an earlier dataset cache; found a folder ` +
        `with ${entries.length} entries and no ${MANIFEST_FILE} beside ${PIXELS_FILE}. Writing there would ` +
        'delete them, so nothing was written: choose another --out (the default is data/dataset).',
      { target, entries: entries.length },
    );
  }

  const own = await ownFilesOf(target);
  const foreign = await foreignEntries(target, own);
  if (foreign.length > 0) {
    const more = foreign.length > LISTED_FOREIGN ? ` and ${foreign.length - LISTED_FOREIGN} more` : '';
    const named = `${foreign.slice(0, LISTED_FOREIGN).join(', ')}${more}`;
    const one = foreign.length === 1;
    const them = one ? 'it' : 'them';
    throw new DatasetError(
      'out-dir-unsafe',
      `Expected the dataset cache ${target} to hold only the files nightmask writes there ` +
        `(${MANIFEST_FILE}, ${PIXELS_FILE}, quarantine.json, CREDITS.md, LICENSES/); found ` +
        `${foreign.length} other ${one ? 'entry' : 'entries'}: ${named}. Replacing the cache would ` +
        `delete ${them}, so nothing was written: move ${them} out of ${target} and run the command ` +
        'again, or choose another --out.',
      { target, foreign },
    );
  }
  return own;
}

/** The files of the cache in `dir` that nightmask wrote: those its manifest lists, and the usual ones. */
async function ownFilesOf(dir: string): Promise<ReadonlySet<string>> {
  const own = new Set(UNLISTED_OWN_FILES);
  const text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8').catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return own;
  }
  const listed = writtenFilesSchema.safeParse(json);
  if (listed.success) for (const file of listed.data.files) own.add(file);
  return own;
}

async function writeDurably(file: string, content: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function swapIn(
  staging: string,
  target: string,
  nonce: string,
  oldFiles: ReadonlySet<string>,
): Promise<void> {
  const retired = `${path.join(path.dirname(target), `.${path.basename(target)}`)}.old-${nonce}`;
  const hadOld = await rename(target, retired).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );

  try {
    await rename(staging, target);
  } catch (err) {
    if (hadOld) await rename(retired, target);
    throw err;
  }
  await syncFolder(path.dirname(target));
  if (!hadOld) return;

  // Only files nightmask wrote are deleted, even if something new appeared in the old cache meanwhile.
  const kept = await removeOwnFiles(retired, oldFiles);
  if (kept.length > 0) {
    throw new DatasetError(
      'out-dir-unsafe',
      `The new dataset was written to ${target}, but while it was written ${kept.length} entries that ` +
        `nightmask did not write appeared in the old one (${kept.slice(0, LISTED_FOREIGN).join(', ')}). ` +
        `They were left in ${retired}: move them where you want them, then delete that folder.`,
      { target, retired, kept },
    );
  }
}

/** Makes the renames durable: a rename lives in the parent folder's entry list. Best effort. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (handle === undefined) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a folder; the rename itself is still atomic there.
  } finally {
    await handle.close();
  }
}

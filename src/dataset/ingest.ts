import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Logger, silentLogger } from '../log/logger.js';
import { type DatasetItem, type DatasetManifest, itemBytes, writeDatasetCache } from './cache.js';
import { DuplicateFilter, pixelHash } from './dedupe.js';
import { DatasetError } from './errors.js';
import { checkCount, checkSizePx } from './options.js';
import { type PhotoResult, QUARANTINE_REASONS, type QuarantineReason } from './photo.js';
import { readPhotoFile } from './photo-file.js';
import { defaultConcurrency, mapBounded } from './pool.js';
import { splitForGroup } from './split.js';
import { listFiles } from './walk.js';

export type { QuarantineReason } from './photo.js';

/** Pictures larger than this many pixels are refused unless --max-pixels says otherwise (100 MP). */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/**
 * Files larger than this many bytes are refused before they are read (200 MiB): far more than any photo
 * needs (a 100 MP JPEG takes some 50 MB), and it keeps a folder of films from filling memory.
 */
export const DEFAULT_MAX_FILE_BYTES = 200 * 2 ** 20;

export const QUARANTINE_FILE = 'quarantine.json';

export interface IngestOptions {
  srcDir: string;
  outDir: string;
  sizePx: number;
  fit?: 'crop' | 'pad';
  maxPixels?: number;
  /** Files over this many bytes are quarantined unread; DEFAULT_MAX_FILE_BYTES by default. */
  maxFileBytes?: number;
  /** Defaults to half the training size: upscaling more than twice gives only blur to learn from. */
  minSidePx?: number;
  logger?: Logger;
}

export interface QuarantinedFile {
  /** Relative to the source folder, with '/' separators. */
  path: string;
  reason: QuarantineReason;
  detail: string;
}

export interface IngestReport {
  srcDir: string;
  outDir: string;
  /** Files looked at, broken symbolic links included (hidden files and folders are not). */
  read: number;
  /** Files that became training images. */
  used: number;
  /** Files whose finished pixels equal an earlier file's. */
  duplicates: number;
  quarantinedByReason: Record<QuarantineReason, number>;
  quarantined: QuarantinedFile[];
}

/**
 * Turns a folder of pictures (subfolders too) into the training set in `outDir`: see preparePhoto for
 * what happens to each picture. Files it cannot use are listed with their reasons in the report and in
 * quarantine.json. Source files are only ever read. Throws a DatasetError when the folder is missing or
 * holds nothing usable; the error's details carry the report, and no cache is written or replaced then.
 */
export async function ingestFolder(opts: IngestOptions): Promise<IngestReport> {
  const logger = (opts.logger ?? silentLogger).child({ subsystem: 'dataset', task: 'ingest' });
  const sizePx = checkSizePx(opts.sizePx);
  const fit = opts.fit ?? 'crop';
  const maxPixels = checkCount('the pixel limit', opts.maxPixels ?? DEFAULT_MAX_PIXELS);
  const minSidePx = checkCount('the minimum side', opts.minSidePx ?? Math.ceil(sizePx / 2));
  const maxFileBytes = checkCount('the file size limit', opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  const srcDir = path.resolve(opts.srcDir);
  const outDir = path.resolve(opts.outDir);
  const real = await checkFolders(srcDir, outDir);
  const startedMs = performance.now();

  // Walked by real paths, so that an output inside the pictures is skipped however either was named.
  const files = await listFiles(real.srcDir, [real.outDir]);
  logger.info({ files: files.length, sizePx, fit, maxPixels, minSidePx, maxFileBytes }, 'ingesting pictures');

  const options = { sizePx, fit, maxPixels, minSidePx, maxFileBytes };
  const every = Math.max(1, Math.round(files.length / 10));
  const firstTry = await mapBounded(
    files,
    defaultConcurrency(),
    (file) => readPhotoFile(path.join(real.srcDir, file), options),
    (done) => {
      if (done % every === 0 || done === files.length)
        logger.info({ done, total: files.length }, 'read pictures');
    },
  );

  // Failures again, one at a time. libvips keeps one error buffer for the whole process, so a picture
  // that fails while others decode can get their messages too, and its reason would change from run to
  // run. Alone, its message is its own. Successes do not read the buffer and stand as they are.
  const results = await mapBounded(files, 1, async (file, index) => {
    const first = firstTry[index] as PhotoResult;
    return first.ok ? first : readPhotoFile(path.join(real.srcDir, file), options);
  });

  const { items, kept, report } = sortResults(files, results, { srcDir, outDir }, logger);

  if (items.length === 0) {
    throw new DatasetError(
      'nothing-usable',
      `Expected ${srcDir} to hold at least one usable picture (JPEG, PNG, WebP, GIF, TIFF, AVIF or HEIF, ` +
        `at least ${minSidePx} px on the shorter side); found ${files.length} files and none usable. ` +
        'Nothing was written; the reasons are listed per file.',
      { report },
    );
  }

  const manifest: DatasetManifest = {
    formatVersion: 1,
    sizePx,
    count: items.length,
    channels: 3,
    createdAt: new Date().toISOString(),
    source: { kind: 'folder', path: srcDir, fit },
    items,
  };
  const pixels = Buffer.concat(kept, kept.length * itemBytes(sizePx));
  const quarantine = { srcDir, byReason: report.quarantinedByReason, files: report.quarantined };
  await writeDatasetCache(
    outDir,
    { manifest, pixels },
    { extraFiles: { [QUARANTINE_FILE]: `${JSON.stringify(quarantine, null, 1)}\n` } },
  );

  const elapsedMs = Math.round(performance.now() - startedMs);
  const { read, used, duplicates } = report;
  logger.info(
    { read, used, duplicates, quarantined: report.quarantined.length, elapsedMs, outDir },
    'ingest written',
  );
  return report;
}

/** Splits the results into training items and a report of duplicates and quarantined files, in file order. */
function sortResults(
  files: readonly string[],
  results: readonly PhotoResult[],
  folders: { srcDir: string; outDir: string },
  logger: Logger,
) {
  const filter = new DuplicateFilter();
  const items: DatasetItem[] = [];
  const kept: Buffer[] = [];
  const byReason = Object.fromEntries(QUARANTINE_REASONS.map((reason) => [reason, 0]));
  const report: IngestReport = {
    ...folders,
    read: files.length,
    used: 0,
    duplicates: 0,
    quarantinedByReason: byReason as IngestReport['quarantinedByReason'],
    quarantined: [],
  };

  files.forEach((file, index) => {
    const result = results[index] as PhotoResult;
    if (!result.ok) {
      report.quarantinedByReason[result.reason] += 1;
      report.quarantined.push({ path: file, reason: result.reason, detail: result.detail });
      logger.debug({ file, reason: result.reason, detail: result.detail }, 'quarantined');
      return;
    }

    const sha256 = pixelHash(result.rgb);
    const sameAs = filter.claim(sha256, file);
    if (sameAs !== undefined) {
      report.duplicates += 1;
      logger.debug({ file, sameAs }, 'dropped exact duplicate');
      return;
    }

    // Each picture is its own group: nothing in a plain folder says two photos show the same mask.
    const group = `file:${file}`;
    items.push({ id: file, sha256, group, split: splitForGroup(group), origin: file, source: 'folder' });
    kept.push(result.rgb);
  });
  report.used = items.length;
  return { items, kept, report };
}

/**
 * Checks that the source is a folder and that the output does not contain it, comparing real paths
 * (symbolic links followed) so that no link makes the pictures look like they lie elsewhere. Returns
 * the real paths.
 */
async function checkFolders(srcDir: string, outDir: string): Promise<{ srcDir: string; outDir: string }> {
  const info = await stat(srcDir).catch(() => undefined);
  if (info === undefined) {
    throw new DatasetError(
      'source-missing',
      `Expected a folder of pictures at ${srcDir}, found nothing there. Check the path you gave to ingest.`,
      { srcDir },
    );
  }
  if (!info.isDirectory()) {
    throw new DatasetError(
      'source-not-folder',
      `Expected ${srcDir} to be a folder of pictures, found a file. Give ingest the folder that holds it.`,
      { srcDir },
    );
  }

  // Replacing the output folder must never touch the pictures: refuse an output at or above the source.
  const real = { srcDir: await realpath(srcDir), outDir: await realPathOfNew(outDir) };
  const relative = path.relative(real.outDir, real.srcDir);
  if (relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative))) {
    const linked =
      real.srcDir === srcDir && real.outDir === outDir
        ? ''
        : ` (once symbolic links are followed, the output is ${real.outDir} and the pictures ${real.srcDir})`;
    throw new DatasetError(
      'out-dir-unsafe',
      `Expected the output folder (${outDir}) to lie outside the picture folder (${srcDir})${linked}; it ` +
        'contains it, and writing the dataset would replace your pictures. ' +
        'Choose another --out, such as data/dataset.',
      { srcDir, outDir, realSrcDir: real.srcDir, realOutDir: real.outDir },
    );
  }
  return real;
}

/** The real path of `file`, which may not exist yet: its nearest existing ancestor's, plus the rest. */
async function realPathOfNew(file: string): Promise<string> {
  const rest: string[] = [];
  let at = file;
  for (;;) {
    try {
      return path.join(await realpath(at), ...rest);
    } catch (err) {
      const parent = path.dirname(at);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === at) throw err;
      rest.unshift(path.basename(at));
      at = parent;
    }
  }
}

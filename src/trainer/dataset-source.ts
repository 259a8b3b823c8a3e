import { readdir } from 'node:fs/promises';
import { type DatasetCache, hasDatasetCache, readDatasetCache } from '../dataset/cache.js';
import { buildDemoDataset } from '../dataset/demo.js';
import { ingestFolder } from '../dataset/ingest.js';
import type { Logger } from '../log/logger.js';

export interface DatasetPaths {
  /** The cache the trainer reads. */
  datasetDir: string;
  /** A user's own photos; ingested on start when there is no cache yet. */
  imagesDir: string;
}

/**
 * Returns a dataset cache at `sizePx`, making one if needed, in this order: the existing cache (rebuilt
 * from its recorded source when its size differs), the user's photos in `imagesDir`, or the demo set of
 * emoji art that ships with the project. This is what lets a first `npm start` train with nothing set up.
 */
export async function ensureDataset(
  paths: DatasetPaths,
  sizePx: number,
  logger: Logger,
): Promise<DatasetCache> {
  if (await hasDatasetCache(paths.datasetDir)) {
    const cache = await readDatasetCache(paths.datasetDir);
    if (cache.manifest.sizePx === sizePx) return cache;
    logger.warn(
      { datasetPx: cache.manifest.sizePx, modelPx: sizePx, source: cache.manifest.source },
      'the dataset cache was built at another size; rebuilding it from its source',
    );
    const source = cache.manifest.source;
    if (source.kind === 'folder') {
      await ingestFolder({ srcDir: source.path, outDir: paths.datasetDir, sizePx, fit: source.fit, logger });
    } else {
      const twemoji = source.sources.includes('twemoji');
      const fluent3d = source.sources.includes('fluent3d');
      await buildDemoDataset({ outDir: paths.datasetDir, sizePx, sources: { twemoji, fluent3d }, logger });
    }
    return readDatasetCache(paths.datasetDir);
  }

  if (await hasFiles(paths.imagesDir)) {
    logger.info({ from: paths.imagesDir, to: paths.datasetDir }, 'no dataset yet: ingesting your images');
    await ingestFolder({ srcDir: paths.imagesDir, outDir: paths.datasetDir, sizePx, logger });
  } else {
    logger.info(
      { to: paths.datasetDir, sizePx, yourImages: paths.imagesDir },
      'no dataset yet: building the demo set from the emoji art that ships with nightmask ' +
        '(put your own mask photos in the images folder to train on those instead)',
    );
    await buildDemoDataset({ outDir: paths.datasetDir, sizePx, logger });
  }
  return readDatasetCache(paths.datasetDir);
}

async function hasFiles(dir: string): Promise<boolean> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.some((e) => e.isFile() && !e.name.startsWith('.'));
  } catch {
    return false;
  }
}

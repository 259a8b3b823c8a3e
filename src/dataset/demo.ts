import { type Logger, silentLogger } from '../log/logger.js';
import { type ArtSourceName, SOURCE_ORDER } from './art/catalog.js';
import { openFluent3d } from './art/fluent3d.js';
import { openNoto } from './art/noto.js';
import { openTwemoji } from './art/twemoji.js';
import type { EmojiArt } from './art/types.js';
import { type DatasetItem, type DatasetManifest, itemBytes, writeDatasetCache } from './cache.js';
import { creditsMarkdown } from './credits.js';
import { DuplicateFilter, pixelHash } from './dedupe.js';
import { messageOf } from './errors.js';
import { frameOnGrey } from './frame.js';
import { licenceFiles } from './licenses/files.js';
import { checkCount, checkSizePx } from './options.js';
import { defaultConcurrency, mapBounded } from './pool.js';
import { loadEmojiSelection, type SelectedEmoji } from './selection.js';
import { splitForGroup } from './split.js';

export interface DemoBuildOptions {
  outDir: string;
  sizePx: number;
  /** Noto Emoji is always on; these add the other sets. */
  sources?: { twemoji?: boolean; fluent3d?: boolean };
  /** Caps the number of images rendered (before duplicates are dropped), for tests and quick tries. */
  limit?: number;
  logger?: Logger;
  /** Images rendered at once; defaults to the core count, at most 4. */
  concurrency?: number;
}

export interface DemoBuildResult {
  count: number;
  bySource: Record<string, number>;
  duplicates: number;
}

interface RenderJob {
  emoji: SelectedEmoji;
  art: EmojiArt;
}

/**
 * Builds the demo training set from emoji artwork installed with the project (nothing is fetched) and
 * writes it as a dataset cache in `outDir`, with the licence texts and a CREDITS.md beside it.
 *
 * Reproducible: the same package versions, size and options give the same pixels and items in the same
 * order; only the manifest's createdAt differs between runs.
 */
export async function buildDemoDataset(opts: DemoBuildOptions): Promise<DemoBuildResult> {
  const logger = (opts.logger ?? silentLogger).child({ subsystem: 'dataset', task: 'demo' });
  const sizePx = checkSizePx(opts.sizePx);
  const concurrency = checkCount('concurrency', opts.concurrency ?? defaultConcurrency());
  const limit = opts.limit === undefined ? undefined : checkCount('limit', opts.limit);
  const startedMs = performance.now();

  const names = SOURCE_ORDER.filter(
    (name) => name === 'noto' || (opts.sources?.[name as Exclude<ArtSourceName, 'noto'>] ?? false),
  );
  const selection = await loadEmojiSelection();
  const arts = await openSources(names, selection, logger);

  // Emoji first, then source: a small `limit` then still samples every enabled set.
  const jobs: RenderJob[] = [];
  const missing: Record<string, number> = {};
  for (const emoji of selection) {
    for (const art of arts) {
      if (art.has(emoji.key)) jobs.push({ emoji, art });
      else missing[art.name] = (missing[art.name] ?? 0) + 1;
    }
  }
  const planned = limit === undefined ? jobs : jobs.slice(0, limit);
  logger.info(
    { selected: selection.length, images: planned.length, missing, sizePx, concurrency },
    'rendering the demo dataset',
  );

  const every = Math.max(1, Math.round(planned.length / 10));
  const rendered = await mapBounded(
    planned,
    concurrency,
    async ({ emoji, art }) => {
      try {
        return await frameOnGrey(await art.rasterize(emoji.key, workPxFor(sizePx)), sizePx);
      } catch (err) {
        // A drawing that will not render is skipped, not fatal: the set is useful without it.
        logger.warn({ err, source: art.name, key: emoji.key, reason: messageOf(err) }, 'skipped art');
        return undefined;
      }
    },
    (done) => {
      if (done % every === 0 || done === planned.length) {
        logger.info({ done, total: planned.length }, 'rendered demo images');
      }
    },
  );

  const { items, pixels, duplicates, failed } = assemble(planned, rendered, sizePx, (id, sameAs) =>
    logger.debug({ id, sameAs }, 'dropped exact duplicate'),
  );
  const manifest: DatasetManifest = {
    formatVersion: 1,
    sizePx,
    count: items.length,
    channels: 3,
    createdAt: new Date().toISOString(),
    source: { kind: 'demo', sources: [...names] },
    items,
  };
  const extraFiles = { ...(await licenceFiles(names)), 'CREDITS.md': creditsMarkdown(manifest) };
  await writeDatasetCache(opts.outDir, { manifest, pixels }, { extraFiles });

  const bySource: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  for (const item of items) bySource[item.source] = (bySource[item.source] ?? 0) + 1;
  const val = items.filter((item) => item.split === 'val').length;
  const elapsedMs = Math.round(performance.now() - startedMs);
  logger.info(
    { count: items.length, ...bySource, duplicates, failed, val, elapsedMs, outDir: opts.outDir },
    'demo dataset written',
  );
  return { count: items.length, bySource, duplicates };
}

/**
 * The resolution art is drawn at before framing: large enough that cropping to the drawing's edges is
 * exact and the final downscale antialiases well, yet cheap (a Noto SVG renders in under a millisecond).
 */
function workPxFor(sizePx: number): number {
  return Math.max(256, sizePx * 2);
}

async function openSources(
  names: readonly ArtSourceName[],
  selection: readonly SelectedEmoji[],
  logger: Logger,
): Promise<EmojiArt[]> {
  const allowList = new Set(selection.map((emoji) => emoji.key));
  const arts: EmojiArt[] = [];
  for (const name of names) {
    if (name === 'noto') arts.push(await openNoto(logger));
    if (name === 'twemoji') arts.push(await openTwemoji(logger));
    if (name === 'fluent3d') arts.push(await openFluent3d(logger, allowList));
  }
  return arts;
}

/** Drops failed renders and exact duplicates (the first drawing wins) and packs the rest. */
function assemble(
  jobs: readonly RenderJob[],
  rendered: ReadonlyArray<Buffer | undefined>,
  sizePx: number,
  onDuplicate: (id: string, sameAs: string) => void,
) {
  const filter = new DuplicateFilter();
  const items: DatasetItem[] = [];
  const kept: Buffer[] = [];
  let duplicates = 0;
  let failed = 0;

  jobs.forEach(({ emoji, art }, index) => {
    const rgb = rendered[index];
    if (rgb === undefined) {
      failed += 1;
      return;
    }
    const id = `${art.name}/${emoji.key}`;
    const sha256 = pixelHash(rgb);
    const sameAs = filter.claim(sha256, id);
    if (sameAs !== undefined) {
      duplicates += 1;
      onDuplicate(id, sameAs);
      return;
    }

    // The group ignores the source: Noto's ghost and Twemoji's ghost are one character, on one side.
    const group = `emoji:${emoji.character}`;
    items.push({
      id,
      sha256,
      group,
      split: splitForGroup(group),
      origin: art.origin(emoji.key),
      source: art.name,
      label: emoji.label,
    });
    kept.push(rgb);
  });

  const pixels = Buffer.concat(kept, kept.length * itemBytes(sizePx));
  return { items, pixels, duplicates, failed };
}

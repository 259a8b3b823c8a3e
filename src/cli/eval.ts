import { readdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import sharp from 'sharp';
import { selectBackend } from '../backend/select.js';
import { loadConfig } from '../config/config.js';
import { hasDatasetCache, readDatasetCache } from '../dataset/cache.js';
import { MID_GREY } from '../dataset/grey.js';
import { FeatureExtractor } from '../eval/inception.js';
import { QualityScorer, splitImages } from '../eval/score.js';
import { MaskPainter } from '../generate/generate.js';
import { MAX_SEED, randomSeed } from '../generate/mask-id.js';
import { createLogger } from '../log/logger.js';
import { intOption, UsageError } from './errors.js';
import { chooseCheckpoint } from './generate.js';

interface EvalFlags {
  images: number;
  seed?: number;
  checkpoint?: string;
  heldOut: boolean;
  threads?: number;
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

/** Every image directly in a folder, as RGB bytes at `sizePx`, in name order; unreadable files are named. */
async function folderImages(dir: string, sizePx: number, limit: number): Promise<Uint8Array[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP')
      throw new UsageError(`${dir} is not a folder of images`);
    throw err;
  }
  const out: Uint8Array[] = [];
  for (const name of names.slice(0, limit)) {
    try {
      const { data } = await sharp(join(dir, name))
        // The grey the dataset flattens transparent art onto, so transparent images score as they train.
        .flatten({ background: MID_GREY })
        .resize(sizePx, sizePx, { fit: 'cover', kernel: 'lanczos3' })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      out.push(new Uint8Array(data));
    } catch (err) {
      throw new UsageError(`cannot read ${join(dir, name)} as an image: ${(err as Error).message}`);
    }
  }
  return out;
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .argument('[folder]', 'a folder of images to score (default: masks from the latest checkpoint)')
    .description(
      'score masks by kernel inception distance (KID) to the training images, and print one JSON line',
    )
    .option('-n, --images <n>', 'how many images to generate or read', intOption(20, 10000), 1000)
    .option(
      '-s, --seed <seed>',
      'seed of the first generated mask; the others follow it, so draws meant to be independent need seeds at least --images apart (default: random)',
      intOption(0, MAX_SEED),
    )
    .option('--checkpoint <id-or-dir>', 'score this checkpoint instead of the latest')
    .option('--held-out', 'score the held-out real images instead (a check of the score: about 0)', false)
    .option('--threads <n>', 'threads for the native kernels (default: all cores)', intOption(1, 256))
    .addHelpText(
      'after',
      '\nFeatures are the spatially averaged mixed4 activations of the ImageNet InceptionV3 that the\n' +
        'nsfwjs package ships, at 149 px; they never leave this machine. KID is comparable between runs\n' +
        'of this project, not with published FID or KID numbers. "nearest.ratio" compares how close the\n' +
        'images come to a training image with how close held-out real images come: well below 1 means\n' +
        'the model is copying its training set.',
    )
    .action(async (folder: string | undefined, flags: EvalFlags) => {
      const config = loadConfig();
      const logger = createLogger({ level: 'error' });
      if (folder !== undefined && (flags.heldOut || flags.checkpoint !== undefined))
        throw new UsageError('give either a folder, --held-out or --checkpoint, not several');
      if (!(await hasDatasetCache(config.paths.datasetDir)))
        throw new UsageError(
          `there is no dataset in ${config.paths.datasetDir} to compare with; run 'npx nightmask dataset' first`,
        );
      const cache = await readDatasetCache(config.paths.datasetDir);
      let sizePx = cache.manifest.sizePx;
      // Everything that can be wrong with the input is found before the feature network loads.
      let images: Uint8Array[] | undefined;
      let source: Record<string, unknown> = { kind: 'held-out' };
      if (flags.heldOut) {
        images = splitImages(cache, 'val');
      } else if (folder !== undefined) {
        images = await folderImages(resolve(folder), sizePx, flags.images);
        source = { kind: 'folder', path: resolve(folder) };
      }
      if (images !== undefined && images.length < 20)
        throw new UsageError(`KID needs at least 20 images; found ${images.length}`);
      const trainImages = cache.manifest.items.filter((item) => item.split === 'train').length;
      if (trainImages < 20)
        throw new UsageError(
          `KID needs at least 20 training images to compare with; the dataset in ${config.paths.datasetDir} has ${trainImages}`,
        );

      const threads = flags.threads === undefined ? {} : { threads: flags.threads };
      const backend = await selectBackend(config.training.backend, logger, 'generating', threads);
      const started = performance.now();
      if (images === undefined) {
        const loaded = await chooseCheckpoint(config, flags.checkpoint);
        const seed = flags.seed ?? randomSeed();
        const painter = new MaskPainter(loaded);
        images = await painter.pixels(seed, flags.images);
        sizePx = painter.config.sizePx;
        painter.dispose();
        source = { kind: 'checkpoint', id: loaded.manifest.id, step: loaded.manifest.step, seed };
      }
      // stdout carries only the JSON line; what it is doing goes to stderr, as it can take minutes.
      console.error(`scoring ${images.length} images (${source.kind}) against the training images…`);
      const extractor = await FeatureExtractor.load();
      const scorer = await QualityScorer.create(extractor, cache, join(config.paths.modelsDir, 'quality'));
      const score = await scorer.scoreImages(images, sizePx);
      extractor.dispose();
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      console.log(JSON.stringify({ ...score, source, backend: backend.name, seconds }));
    });
}

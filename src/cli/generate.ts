import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { selectBackend } from '../backend/select.js';
import {
  findCheckpointById,
  type LoadedCheckpoint,
  listCheckpoints,
  loadLatestCheckpoint,
  readCheckpoint,
} from '../checkpoint/store.js';
import { type Config, loadConfig } from '../config/config.js';
import { WEIRDNESS_RANGE } from '../gan/latent.js';
import { MaskPainter } from '../generate/generate.js';
import { type LatentRef, MAX_SEED, parseMaskId, randomSeed } from '../generate/mask-id.js';
import { createLogger } from '../log/logger.js';
import { intOption, numberOption, UsageError } from './errors.js';

interface GenerateFlags {
  count: number;
  seed?: number;
  weirdness: number;
  size: number;
  out?: string;
  checkpoint?: string;
  id?: string;
}

/**
 * `--checkpoint` takes a checkpoint id (`step-000001200-1a2b3c4d`), a folder name in the checkpoints
 * folder (`step-000001200`) or the path of a checkpoint folder.
 */
export async function chooseCheckpoint(
  config: Config,
  wanted: string | undefined,
): Promise<LoadedCheckpoint> {
  const logger = createLogger({ level: 'error' });
  if (wanted === undefined) {
    const latest = await loadLatestCheckpoint(config.paths.checkpointsDir, logger);
    if (latest) return latest;
    throw new UsageError(
      `there is no checkpoint in ${config.paths.checkpointsDir} yet. Start training with 'npm start' ` +
        "or 'npx nightmask train --minutes 10' and try again once it has saved one.",
    );
  }
  const byId = await findCheckpointById(config.paths.checkpointsDir, wanted);
  if (byId) return byId;
  if (/^step-\d{9}-[0-9a-f]{8}$/.test(wanted)) {
    throw new UsageError(
      `checkpoint ${wanted} is no longer in ${config.paths.checkpointsDir}: old checkpoints are pruned ` +
        '(the newest three are kept, and those the bot has served masks from).',
    );
  }
  const path = resolve(wanted);
  if (!(await stat(join(path, 'checkpoint.json')).catch(() => undefined))) {
    const kept = (await listCheckpoints(config.paths.checkpointsDir)).map((c) => basename(c.path));
    throw new UsageError(
      `'${wanted}' is neither a checkpoint in ${config.paths.checkpointsDir} nor a checkpoint folder; ` +
        (kept.length > 0
          ? `the checkpoints there are ${kept.join(', ')}`
          : 'there are no checkpoints there yet'),
    );
  }
  return readCheckpoint(path);
}

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('write PNG masks drawn by the EMA generator of the latest checkpoint')
    .option('-n, --count <n>', 'how many masks', intOption(1, 256), 4)
    .option(
      '-s, --seed <seed>',
      `seed of the first mask (0 to ${MAX_SEED}); the others follow it`,
      intOption(0, MAX_SEED),
    )
    .option(
      '-w, --weirdness <w>',
      `${WEIRDNESS_RANGE.min} (tame) to ${WEIRDNESS_RANGE.max} (strange); 1 is what it learned`,
      // Two decimals are plenty, and keep the value readable in mask ids (no '1e-7').
      (v: string) => Math.round(numberOption(WEIRDNESS_RANGE.min, WEIRDNESS_RANGE.max)(v) * 100) / 100,
      1,
    )
    .option('--size <px>', 'output size in pixels (upscaled with sharp)', intOption(16, 2048), 512)
    .option('-o, --out <dir>', 'folder to write into (default: masks/ under NIGHTMASK_OUTPUT_DIR)')
    .option('--checkpoint <id-or-dir>', 'a checkpoint id or folder to use instead of the latest')
    .option(
      '--id <mask-id>',
      "draw exactly this mask again (the id is in its file name and in the bot's footer)",
    )
    .action(async (opts: GenerateFlags) => {
      const config = loadConfig();
      await selectBackend(config.training.backend, createLogger({ level: 'error' }), 'generating');

      let refs: LatentRef[];
      let checkpointId = opts.checkpoint;
      if (opts.id !== undefined) {
        const mask = parseMaskId(opts.id);
        if (!mask) {
          throw new UsageError(`'${opts.id}' is not a mask id; they look like step-000001200-1a2b3c4d.42.w1`);
        }
        const { checkpointId: fromId, ...ref } = mask;
        checkpointId = fromId;
        refs = [ref];
      } else {
        const first = opts.seed ?? randomSeed();
        refs = Array.from({ length: opts.count }, (_, i) => ({
          seed: (first + i) % (MAX_SEED + 1),
          weirdness: opts.weirdness,
        }));
      }

      const loaded = await chooseCheckpoint(config, checkpointId);
      const painter = new MaskPainter(loaded);
      const masks = await painter.masks(refs, opts.size);
      painter.dispose();
      const out = opts.out === undefined ? join(config.paths.outputDir, 'masks') : resolve(opts.out);
      await mkdir(out, { recursive: true });
      for (const mask of masks) {
        const path = join(out, `${mask.id}.png`);
        await writeFile(path, mask.png);
        console.log(path);
      }
      console.error(
        `wrote ${masks.length} mask(s) from ${loaded.manifest.id} (step ${loaded.manifest.step}) at ${opts.size} px`,
      );
    });
}

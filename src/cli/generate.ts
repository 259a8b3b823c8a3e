import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadLatestCheckpoint, readCheckpoint } from '../checkpoint/store.js';
import { loadConfig } from '../config/config.js';
import { WEIRDNESS_RANGE } from '../gan/latent.js';
import { generateMasks } from '../generate/generate.js';
import { MAX_SEED, randomSeed } from '../generate/mask-id.js';
import { createLogger } from '../log/logger.js';
import { intOption, numberOption, UsageError } from './errors.js';

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
      numberOption(WEIRDNESS_RANGE.min, WEIRDNESS_RANGE.max),
      1,
    )
    .option('--size <px>', 'output size in pixels (upscaled with sharp)', intOption(16, 2048), 512)
    .option('-o, --out <dir>', 'folder to write into', 'out/masks')
    .option('--checkpoint <dir>', 'a checkpoint folder to use instead of the latest')
    .action(
      async (opts: {
        count: number;
        seed?: number;
        weirdness: number;
        size: number;
        out: string;
        checkpoint?: string;
      }) => {
        const config = loadConfig();
        const logger = createLogger({ level: 'warn' });
        const loaded = opts.checkpoint
          ? await readCheckpoint(resolve(opts.checkpoint))
          : await loadLatestCheckpoint(config.paths.checkpointsDir, logger);
        if (!loaded) {
          throw new UsageError(
            `there is no checkpoint in ${config.paths.checkpointsDir} yet. Start training with 'npm start' ` +
              "or 'npx nightmask train --minutes 10' and try again once it has saved one.",
          );
        }
        const first = opts.seed ?? randomSeed();
        const seeds = Array.from({ length: opts.count }, (_, i) => (first + i) % (MAX_SEED + 1));
        const masks = await generateMasks(loaded, { seeds, weirdness: opts.weirdness, outPx: opts.size });
        const out = resolve(opts.out);
        await mkdir(out, { recursive: true });
        for (const mask of masks) {
          const path = join(out, `${mask.id}.png`);
          await writeFile(path, mask.png);
          console.log(path);
        }
        console.error(
          `wrote ${masks.length} mask(s) from ${loaded.manifest.id} (step ${loaded.manifest.step}), ` +
            `seeds ${first}..${seeds.at(-1)}, weirdness ${opts.weirdness}, ${opts.size} px`,
        );
      },
    );
}

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NIGHTLY_WEIRDNESS, nightlyCaption, nightlySeed, timelapseLine } from '../bot/nightly-post.js';
import { GenerateError, type GeneratorClient } from '../generate/client.js';
import type { Logger } from '../log/logger.js';
import type { PostFn } from '../schedule/post.js';
import { finaleTimelapse } from '../timelapse/finale.js';
import type { RunFolders } from '../timelapse/grids.js';
import { writeFileAtomic } from '../util/atomic.js';

/** The pseudo-server local mode schedules its nightly nightmare for. */
export const LOCAL_GUILD_ID = 'local';

/**
 * Local mode's nightly post: the same mask and caption the bot would post, written as
 * `<outputDir>/nightly/<date>-nightmare.png` with a JSON file beside it holding the caption and mask id.
 * On Halloween the run's timelapse goes beside them as `<date>-timelapse.webp`, when it can be made.
 */
export function fileNightlyPoster(deps: {
  outputDir: string;
  generator: GeneratorClient;
  logger: Logger;
  folders: RunFolders;
}): PostFn {
  return async (guildId, night, signal) => {
    const seed = nightlySeed(guildId, night.nightDate);
    let drawn: Awaited<ReturnType<GeneratorClient['masks']>>;
    try {
      drawn = await deps.generator.masks([{ seed, weirdness: NIGHTLY_WEIRDNESS }], 512);
    } catch (err) {
      if (err instanceof GenerateError && err.code === 'no-checkpoint') {
        return { kind: 'failed', error: 'no checkpoint yet: the trainer has not saved one' };
      }
      throw err;
    }
    const mask = drawn.masks[0];
    if (!mask) return { kind: 'failed', error: 'the generator returned no mask' };

    const dir = join(deps.outputDir, 'nightly');
    await mkdir(dir, { recursive: true });
    const png = join(dir, `${night.nightDate}-nightmare.png`);
    await writeFileAtomic(png, mask.png);
    let caption = nightlyCaption(night).replace(/\*\*/g, '');
    let timelapse: string | undefined;
    if (night.isFinale) {
      const made = await finaleTimelapse(deps.folders, {
        otherBytes: mask.png.byteLength,
        logger: deps.logger,
        signal,
      });
      const name = `${night.nightDate}-timelapse.webp`;
      // A timelapse that cannot be written is left out, like one that cannot be made.
      const written = made
        ? await writeFileAtomic(join(dir, name), made.webp).then(
            () => true,
            (err: unknown) => {
              deps.logger.warn({ err }, 'the finale goes out without its timelapse');
              return false;
            },
          )
        : false;
      if (made && written) {
        timelapse = name;
        caption = `${caption}\n${timelapseLine(made)}`;
      }
    }
    const record = {
      caption,
      maskId: mask.id,
      step: drawn.step,
      nightsUntilHalloween: night.nightsUntilHalloween,
      ...(timelapse !== undefined && { timelapse }),
    };
    await writeFile(join(dir, `${night.nightDate}-nightmare.json`), `${JSON.stringify(record, null, 2)}\n`);
    deps.logger.info({ path: png, caption, maskId: mask.id }, 'nightly nightmare written');
    return { kind: 'posted', messageId: png };
  };
}

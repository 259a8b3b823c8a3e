import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NIGHTLY_WEIRDNESS, nightlyCaption, nightlySeed } from '../bot/nightly-post.js';
import { GenerateError, type GeneratorClient } from '../generate/client.js';
import type { Logger } from '../log/logger.js';
import type { PostFn } from '../schedule/post.js';
import { writeFileAtomic } from '../util/atomic.js';

/** The pseudo-server local mode schedules its nightly nightmare for. */
export const LOCAL_GUILD_ID = 'local';

/**
 * Local mode's nightly post: the same mask and caption the bot would post, written as
 * `<outputDir>/nightly/<date>-nightmare.png` with a JSON file beside it holding the caption and mask id.
 */
export function fileNightlyPoster(deps: {
  outputDir: string;
  generator: GeneratorClient;
  logger: Logger;
}): PostFn {
  return async (guildId, night) => {
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
    const caption = nightlyCaption(night).replace(/\*\*/g, '');
    await writeFile(
      join(dir, `${night.nightDate}-nightmare.json`),
      `${JSON.stringify({ caption, maskId: mask.id, step: drawn.step, nightsUntilHalloween: night.nightsUntilHalloween }, null, 2)}\n`,
    );
    deps.logger.info({ path: png, caption, maskId: mask.id }, 'nightly nightmare written');
    return { kind: 'posted', messageId: png };
  };
}

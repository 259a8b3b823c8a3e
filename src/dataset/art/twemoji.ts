import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../log/logger.js';
import { ART_SOURCES } from './catalog.js';
import { indexArtFolder } from './files.js';
import { checkPinned, packageDir } from './package.js';
import { rasterizeSvg } from './svg.js';
import type { EmojiArt } from './types.js';

const INFO = ART_SOURCES.twemoji;

/** Opens Twemoji from @twemoji/svg: one SVG per emoji, 36 × 36 viewBox, named by code points. */
export async function openTwemoji(logger: Logger): Promise<EmojiArt> {
  const version = checkPinned(INFO.packageName, INFO.pinnedVersion, logger);
  const dir = packageDir(INFO.packageName);
  const files = await indexArtFolder(dir, '.svg');

  return {
    name: 'twemoji',
    version,
    has: (key) => files.has(key),
    origin: (key) => `${INFO.packageName}/${files.get(key) ?? key}`,
    rasterize: async (key, workPx) => {
      const file = files.get(key);
      if (file === undefined) throw new Error(`Twemoji has no file for ${key}`);
      return rasterizeSvg(await readFile(path.join(dir, file), 'utf8'), workPx);
    },
  };
}

import path from 'node:path';
import sharp from 'sharp';
import type { Logger } from '../../log/logger.js';
import { ART_SOURCES } from './catalog.js';
import { indexArtFolder } from './files.js';
import { checkPinned, packageDir } from './package.js';
import type { EmojiArt } from './types.js';

const INFO = ART_SOURCES.fluent3d;

/**
 * Opens Fluent Emoji 3D from @lobehub/fluent-emoji-3d (256 px WebP files named by code points).
 *
 * The package also carries art Microsoft did not release under MIT: flags, the paperclip, the
 * technologist's branded laptop and other brand art. So this source only answers for keys in
 * `allowList`, which the caller derives from the same metadata selection as the other sets (faces,
 * heads, the Halloween cast); any other file in the package is invisible through it.
 */
export async function openFluent3d(logger: Logger, allowList: ReadonlySet<string>): Promise<EmojiArt> {
  const version = checkPinned(INFO.packageName, INFO.pinnedVersion, logger);
  const dir = path.join(packageDir(INFO.packageName), 'assets');
  const files = new Map([...(await indexArtFolder(dir, '.webp'))].filter(([key]) => allowList.has(key)));

  return {
    name: 'fluent3d',
    version,
    has: (key) => files.has(key),
    origin: (key) => `${INFO.packageName}/assets/${files.get(key) ?? key}`,
    rasterize: async (key) => {
      const file = files.get(key);
      if (file === undefined) throw new Error(`Fluent Emoji 3D has no allowed file for ${key}`);
      const { data, info } = await sharp(path.join(dir, file))
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height };
    },
  };
}

import { readFile } from 'node:fs/promises';
import type { Logger } from '../../log/logger.js';
import { ART_SOURCES } from './catalog.js';
import { checkPinned, packageFile } from './package.js';
import { rasterizeSvg } from './svg.js';
import type { EmojiArt } from './types.js';

interface IconifyIcon {
  body: string;
  left?: number;
  top?: number;
  width?: number;
  height?: number;
}

interface IconifySet {
  icons: Record<string, IconifyIcon>;
  aliases?: Record<string, { parent: string }>;
  width?: number;
  height?: number;
}

const INFO = ART_SOURCES.noto;

/**
 * Opens Noto Emoji from @iconify-json/noto: one JSON file of SVG bodies (icons.json) and a map from code
 * points to icon names (chars.json), whose keys already have FE0F dropped like our art keys.
 */
export async function openNoto(logger: Logger): Promise<EmojiArt> {
  const version = checkPinned(INFO.packageName, INFO.pinnedVersion, logger);
  const set = JSON.parse(await readFile(packageFile(INFO.packageName, 'icons.json'), 'utf8')) as IconifySet;
  const chars = JSON.parse(await readFile(packageFile(INFO.packageName, 'chars.json'), 'utf8')) as Record<
    string,
    string
  >;
  if (typeof set.icons !== 'object' || set.icons === null) {
    throw new Error(`Expected ${INFO.packageName}/icons.json to hold an "icons" object; found none.`);
  }

  const iconFor = (key: string): IconifyIcon | undefined => {
    let name = chars[key];
    // Aliases point at a parent icon; a few hops at most, bounded in case of a cycle.
    for (let hops = 0; name !== undefined && hops < 4; hops += 1) {
      const icon = set.icons[name];
      if (icon !== undefined) return icon;
      name = set.aliases?.[name]?.parent;
    }
    return undefined;
  };

  return {
    name: 'noto',
    version,
    has: (key) => iconFor(key) !== undefined,
    origin: (key) => `${INFO.packageName}/icons.json#${chars[key] ?? key}`,
    rasterize: async (key, workPx) => {
      const icon = iconFor(key);
      if (icon === undefined) throw new Error(`Noto Emoji has no icon for ${key}`);
      const width = icon.width ?? set.width ?? 16;
      const height = icon.height ?? set.height ?? 16;
      const viewBox = `${icon.left ?? 0} ${icon.top ?? 0} ${width} ${height}`;
      const svg =
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ' +
        `viewBox="${viewBox}">${icon.body}</svg>`;
      return rasterizeSvg(svg, workPx);
    },
  };
}

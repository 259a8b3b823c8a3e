import type { ArtSourceName } from './catalog.js';

/** Straight (not premultiplied) RGBA pixels, 4 bytes each, row-major. */
export interface RgbaRaster {
  data: Buffer;
  width: number;
  height: number;
}

/** One opened art set: which emoji it can draw, and drawing them. */
export interface EmojiArt {
  readonly name: ArtSourceName;
  /** The installed version of the package the art ships in. */
  readonly version: string;
  /** Whether this set has art for an emoji, by its art key (see artKey). */
  has(key: string): boolean;
  /** Where the art for a key lives, for the manifest: package name and file or icon name. */
  origin(key: string): string;
  /** The art for a key on a transparent background, `workPx` square (bitmap sets keep their own size). */
  rasterize(key: string, workPx: number): Promise<RgbaRaster>;
}

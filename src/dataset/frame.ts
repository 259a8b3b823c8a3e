import sharp from 'sharp';
import type { RgbaRaster } from './art/types.js';
import { MID_GREY } from './grey.js';

/** The share of the frame the drawing's longer side fills; the rest is an even grey margin. */
export const DRAWING_FILL = 0.875;

/** Alpha at or below this is treated as empty when finding the drawing's edges (soft fringes, shadows). */
const EDGE_ALPHA = 8;

/**
 * Frames emoji art as a training image: crops the transparent border, scales the drawing so its longer
 * side fills DRAWING_FILL of a `sizePx` square, centres it and flattens it onto mid-grey. Returns RGB.
 *
 * The sets pad their drawings differently (Noto leaves a wide margin, Twemoji almost none); cropping to
 * the drawing first gives every source the same framing, so the GAN is not taught three scales.
 */
export async function frameOnGrey(art: RgbaRaster, sizePx: number): Promise<Buffer> {
  const box = drawingBox(art);
  if (box === undefined) throw new Error(`the art is fully transparent (${art.width}×${art.height})`);

  const inner = Math.max(1, Math.round(sizePx * DRAWING_FILL));
  const scale = inner / Math.max(box.width, box.height);
  const width = Math.max(1, Math.round(box.width * scale));
  const height = Math.max(1, Math.round(box.height * scale));
  const left = Math.floor((sizePx - width) / 2);
  const top = Math.floor((sizePx - height) / 2);

  // Flatten and extend both paint grey, so the result is the same whichever of them sharp runs first.
  const { data, info } = await sharp(art.data, { raw: { width: art.width, height: art.height, channels: 4 } })
    .extract(box)
    .resize(width, height, { fit: 'fill' })
    .flatten({ background: MID_GREY })
    .extend({ top, left, bottom: sizePx - height - top, right: sizePx - width - left, background: MID_GREY })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });

  if (info.width !== sizePx || info.height !== sizePx || info.channels !== 3) {
    throw new Error(
      `framing produced ${info.width}×${info.height}×${info.channels}, expected ${sizePx}×${sizePx}×3`,
    );
  }
  return data;
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The smallest box holding every pixel with alpha above EDGE_ALPHA, or undefined when there is none. */
export function drawingBox(art: RgbaRaster): Box | undefined {
  let minX = art.width;
  let minY = art.height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < art.height; y += 1) {
    const row = y * art.width * 4;
    for (let x = 0; x < art.width; x += 1) {
      if ((art.data[row + x * 4 + 3] ?? 0) <= EDGE_ALPHA) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (maxX < 0) return undefined;
  return { left: minX, top: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

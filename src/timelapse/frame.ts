import sharp from 'sharp';

/** One frame of the animation as raw RGB bytes. */
export interface RawFrame {
  readonly data: Buffer;
  readonly widthPx: number;
  readonly heightPx: number;
}

const BACKGROUND = '#100c14';
const TEXT = '#e8e0f0';
const PUMPKIN = '#ff7518';

/** The strip under a grid: its step, and a thin bar that fills as the run goes on. */
function captionSvg(widthPx: number, heightPx: number, step: number, progress: number): Buffer {
  const bar = Math.max(1, Math.round(heightPx / 9));
  const fontPx = Math.round(heightPx * 0.55);
  const filled = Math.round(widthPx * Math.min(1, Math.max(0, progress)));
  // A generic family: whatever sans-serif font the machine has (fontconfig picks one).
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}">` +
      `<rect width="${widthPx}" height="${heightPx}" fill="${BACKGROUND}"/>` +
      `<rect y="${heightPx - bar}" width="${filled}" height="${bar}" fill="${PUMPKIN}"/>` +
      `<text x="${Math.round(fontPx * 0.5)}" y="${Math.round((heightPx - bar) * 0.72)}" ` +
      `font-family="sans-serif" font-size="${fontPx}" fill="${TEXT}">` +
      `step ${step.toLocaleString('en-US')}</text></svg>`,
  );
}

/** How tall the caption strip is for a frame `widthPx` wide: readable on a phone, small beside the grid. */
export function captionHeightPx(widthPx: number): number {
  return Math.max(14, Math.round(widthPx * 0.06));
}

/**
 * Decodes one sample grid, scales it to `widthPx` wide and adds the caption strip under it.
 * `progress` (0 to 1) is how far into the shown part of the run this grid is. Throws for a file that
 * is not a readable image, truncated ones included.
 */
export async function renderFrame(
  path: string,
  step: number,
  options: { widthPx: number; gridHeightPx: number; gridWidthPx: number; progress: number },
): Promise<RawFrame> {
  const { widthPx, progress } = options;
  const gridPx = Math.max(1, Math.round((options.gridHeightPx * widthPx) / options.gridWidthPx));
  const strip = captionHeightPx(widthPx);
  const { data, info } = await sharp(path)
    .removeAlpha()
    .resize(widthPx, gridPx, { fit: 'fill' })
    .extend({ bottom: strip, background: BACKGROUND })
    .composite([{ input: captionSvg(widthPx, strip, step, progress), top: gridPx, left: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after flattening, got ${info.channels}`);
  return { data, widthPx: info.width, heightPx: info.height };
}

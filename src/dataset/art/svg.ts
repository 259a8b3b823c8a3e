import sharp from 'sharp';
import type { RgbaRaster } from './types.js';

/**
 * Renders an SVG document to RGBA at exactly `px` × `px`. Setting the root element's width and height
 * (rather than a density) makes the size independent of whatever size the file declares.
 */
export async function rasterizeSvg(svg: string, px: number): Promise<RgbaRaster> {
  const sized = svg.replace(/<svg\b([^>]*)>/, (_tag, attributes: string) => {
    const kept = attributes.replace(/\s(width|height)="[^"]*"/g, '');
    return `<svg width="${px}" height="${px}"${kept}>`;
  });

  const { data, info } = await sharp(Buffer.from(sized, 'utf8'))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

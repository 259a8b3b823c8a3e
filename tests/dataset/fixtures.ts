import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

type Rgb = [number, number, number];

/** An RGB picture whose left and right halves have different colours. */
async function halves(width: number, height: number, left: Rgb, right: Rgb): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) data.set(x < width / 2 ? left : right, (y * width + x) * 3);
  }
  return data;
}

/** Bytes no codec can compress to nothing, so that cutting the file in half cuts into the image data. */
export function noise(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i += 1) data[i] = (i * 7919 + (i >> 5) * 104729) % 251;
  return data;
}

const RED: Rgb = [255, 0, 0];
const BLUE: Rgb = [0, 0, 255];

/**
 * Writes a folder of pictures, good and bad, for the ingest tests, and returns the file names by role.
 * Every picture is made here with sharp, so the tests need no binary fixtures in the repository.
 */
export async function writePhotoFolder(dir: string) {
  const raw = (data: Buffer, width: number, height: number, channels: 1 | 3 | 4 = 3) =>
    sharp(data, { raw: { width, height, channels } });
  await mkdir(path.join(dir, 'nested/deeper'), { recursive: true });
  await mkdir(path.join(dir, '.thumbnails'), { recursive: true });

  const good = await raw(noise(48, 40), 48, 40).jpeg({ quality: 90 }).toBuffer();
  const noisy = await raw(noise(160, 120), 160, 120).jpeg({ quality: 95 }).toBuffer();

  // Stored sideways (left red, right blue) with EXIF orientation 6: upright, red is on top.
  const rotated = await raw(await halves(64, 32, RED, BLUE), 64, 32)
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: 6 })
    .toBuffer();

  // Left half opaque green, right half fully transparent.
  const rgba = Buffer.alloc(32 * 32 * 4);
  for (let i = 0; i < 32 * 32; i += 1) if (i % 32 < 16) rgba.set([0, 200, 0, 255], i * 4);

  const animated = await sharp(
    Buffer.concat([await halves(32, 32, RED, RED), await halves(32, 32, BLUE, BLUE)]),
    {
      raw: { width: 32, height: 64, channels: 3, pageHeight: 32 },
    },
  )
    .gif()
    .toBuffer();

  const files: Record<string, Buffer | string> = {
    'good.jpg': good,
    'copy of good.jpg': good,
    'nested/deeper/other.webp': await raw(noise(40, 40), 40, 40).webp({ lossless: true }).toBuffer(),
    'rotated.jpg': rotated,
    'rgba.png': await raw(rgba, 32, 32, 4).png().toBuffer(),
    'grey.png': await raw(Buffer.alloc(32 * 32, 100), 32, 32, 1)
      .png()
      .toBuffer(),
    'palette.png': await raw(await halves(32, 32, RED, BLUE), 32, 32)
      .png({ palette: true, colours: 4 })
      .toBuffer(),
    'animated.gif': animated,
    'cmyk.jpg': await raw(await halves(32, 32, RED, RED), 32, 32)
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer(),
    // Stored as Display P3 numbers (88, 177, 77) with the P3 profile attached; in sRGB they are (40, 180, 60).
    'p3.png': await sharp(Buffer.alloc(32 * 32 * 3, Buffer.from([40, 180, 60])), {
      raw: { width: 32, height: 32, channels: 3 },
    })
      .withIccProfile('p3')
      .png()
      .toBuffer(),
    'deep16.png': await raw(noise(32, 32), 32, 32).toColourspace('rgb16').png().toBuffer(),
    'empty.png': Buffer.alloc(0),
    'truncated.jpg': noisy.subarray(0, Math.floor(noisy.length / 2)),
    'page.png': '<!doctype html>\n<html><head><title>Not a mask</title></head><body>404</body></html>\n',
    'huge.png': await sharp({ create: { width: 700, height: 700, channels: 3, background: '#888' } })
      .png()
      .toBuffer(),
    'tiny.png': await raw(noise(4, 4), 4, 4).png().toBuffer(),
    'drawing.svg':
      '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="30"/></svg>',
    '.hidden.jpg': good,
    '.thumbnails/thumb.jpg': good,
  };
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  return files;
}

/** Pixel limit for the fixture folder: huge.png (700 × 700) is over it, everything else under. */
export const FIXTURE_MAX_PIXELS = 200_000;

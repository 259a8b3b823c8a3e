import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cutShort, photoSignature } from '../../src/dataset/signature.js';
import { noise } from './fixtures.js';

async function everyFormat(): Promise<Record<string, Buffer>> {
  const picture = sharp(noise(48, 40), { raw: { width: 48, height: 40, channels: 3 } });
  return {
    jpeg: await picture.clone().jpeg().toBuffer(),
    png: await picture.clone().png().toBuffer(),
    webp: await picture.clone().webp().toBuffer(),
    gif: await picture.clone().gif().toBuffer(),
    tiff: await picture.clone().tiff().toBuffer(),
    heif: await picture.clone().avif().toBuffer(),
  };
}

describe('photo signatures', () => {
  it('given a whole picture of each format, then recognises it and finds nothing cut short', async () => {
    for (const [format, bytes] of Object.entries(await everyFormat())) {
      expect(photoSignature(bytes.subarray(0, 64)), format).toBe(format);
      expect(cutShort(bytes, format as 'jpeg'), format).toBeUndefined();
    }
  });

  it('given the first bytes of an MP4 and a QuickTime video, then recognises no photo', () => {
    const box = (type: string, brands: string) => {
      const bytes = Buffer.alloc(64);
      bytes.writeUInt32BE(8 + brands.length, 0);
      bytes.write(`${type}${brands}`, 4, 'latin1');
      return bytes;
    };
    expect(photoSignature(box('ftyp', 'isom\0\0\x02\0isomiso2avc1mp41'))).toBeUndefined();
    expect(photoSignature(box('ftyp', 'qt  \0\0\x02\0qt  '))).toBeUndefined();
    expect(photoSignature(box('ftyp', 'avif\0\0\0\0avifmif1miaf'))).toBe('heif');
  });
});

/**
 * Photo formats told apart by their first bytes, and checks on their structure that say whether a file
 * was cut short. They let ingest judge a file without libvips, whose error text is shared by every image
 * being decoded in the process and is often empty or generic ("libpng read error").
 */

/** A photo format by its signature; AVIF and HEIF share one container and one name here, as in sharp. */
export type PhotoSignature = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'heif' | 'jp2k' | 'jxl';

/** Bytes enough to recognise every signature below, the ISO BMFF brand list included. */
export const SIGNATURE_BYTES = 64;

/** The largest width or height a PNG header may state (2^31 − 1, PNG specification §11.2.2). */
export const PNG_MAX_SIDE = 2 ** 31 - 1;

/** Brands of ISO BMFF files that hold HEIF or AVIF pictures; videos (mp4, mov) carry none of them. */
const HEIF_BRANDS = new Set([
  'heic',
  'heix',
  'hevc',
  'hevx',
  'heim',
  'heis',
  'mif1',
  'mif2',
  'msf1',
  'avif',
  'avis',
]);

/** The photo format whose signature `head` starts with, or undefined when it matches none. */
export function photoSignature(head: Uint8Array): PhotoSignature | undefined {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const at = (offset: number, text: string) =>
    bytes.toString('latin1', offset, offset + text.length) === text;

  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (at(0, '\x89PNG\r\n\x1a\n')) return 'png';
  if (at(0, 'GIF87a') || at(0, 'GIF89a')) return 'gif';
  if (at(0, 'RIFF') && at(8, 'WEBP')) return 'webp';
  if (at(0, 'II*\0') || at(0, 'MM\0*') || at(0, 'II+\0') || at(0, 'MM\0+')) return 'tiff';
  if (at(4, 'ftyp') && heifBrands(bytes)) return 'heif';
  if (at(0, '\0\0\0\x0cjP  \r\n\x87\n') || (bytes[0] === 0xff && bytes[1] === 0x4f && bytes[2] === 0xff)) {
    return 'jp2k';
  }
  if (at(0, '\0\0\0\x0cJXL \r\n\x87\n') || (bytes[0] === 0xff && bytes[1] === 0x0a)) return 'jxl';
  return undefined;
}

/** Whether the `ftyp` box at the start names a HEIF or AVIF brand, as its major or a compatible brand. */
function heifBrands(bytes: Buffer): boolean {
  const boxEnd = Math.min(bytes.readUInt32BE(0), bytes.length);
  for (let offset = 8; offset + 4 <= boxEnd; offset += 4) {
    // Offset 12 holds the minor version, not a brand.
    if (offset !== 12 && HEIF_BRANDS.has(bytes.toString('latin1', offset, offset + 4))) return true;
  }
  return false;
}

/**
 * When the whole file `bytes` of format `format` ends before its structure does, says how, in a few
 * words; undefined when it looks complete or the format has no check here. Meant for a file libvips
 * failed on: a complete file can still carry trailing bytes these checks do not mind.
 */
export function cutShort(bytes: Buffer, format: PhotoSignature): string | undefined {
  switch (format) {
    case 'jpeg':
      return bytes.length >= 4 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9
        ? undefined
        : 'the JPEG ends without its end-of-image marker';
    case 'png':
      return pngCutShort(bytes);
    case 'gif':
      return bytes[bytes.length - 1] === 0x3b ? undefined : 'the GIF ends without its trailer byte';
    case 'webp': {
      const promised = bytes.length >= 8 ? bytes.readUInt32LE(4) + 8 : Number.POSITIVE_INFINITY;
      return promised > bytes.length
        ? `the WebP header promises ${promised} bytes and the file has ${bytes.length}`
        : undefined;
    }
    case 'tiff':
      return tiffCutShort(bytes);
    case 'heif':
      return boxesCutShort(bytes);
    default:
      return undefined;
  }
}

/** PNG chunks: a 4-byte length, a 4-byte type, the data, a 4-byte CRC; the last one is IEND. */
function pngCutShort(bytes: Buffer): string | undefined {
  let offset = 8;
  while (offset + 8 <= bytes.length) {
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + bytes.readUInt32BE(offset);
    if (end > bytes.length) return `the PNG's ${type} chunk runs past the end of the file`;
    if (type === 'IEND') return undefined;
    offset = end;
  }
  return 'the PNG ends before its IEND chunk';
}

/** TIFF tags that say where the pieces (strips or tiles) of image data lie, and how long each is. */
const TIFF_DATA_TAGS = { stripOffsets: 273, stripBytes: 279, tileOffsets: 324, tileBytes: 325 } as const;
const DATA_TAGS = new Set<number>(Object.values(TIFF_DATA_TAGS));

/** Bytes per value of each TIFF field type (3 is SHORT, 4 LONG, 5 RATIONAL…); the rest take one. */
const TIFF_TYPE_BYTES: Readonly<Record<number, number>> = {
  3: 2,
  4: 4,
  5: 8,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
};

/**
 * A TIFF header points at the first image directory, whose entries hold or point at their values, among
 * them where the image data lies. A file cut short ends before the directory, a value or the data.
 */
function tiffCutShort(bytes: Buffer): string | undefined {
  if (bytes.length < 16) return 'the TIFF ends inside its header';
  const little = bytes[0] === 0x49;
  const u16 = (at: number) => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  // BigTIFF (version 43) has 64-bit offsets; only the position of its directory is checked.
  if (u16(2) === 43) {
    const at = Number(little ? bytes.readBigUInt64LE(8) : bytes.readBigUInt64BE(8));
    return at >= bytes.length ? 'the TIFF ends before its first image directory' : undefined;
  }

  const directory = u32(4);
  if (directory + 2 > bytes.length) return 'the TIFF ends before its first image directory';
  const count = u16(directory);
  if (directory + 2 + count * 12 > bytes.length) return 'the TIFF ends inside its first image directory';

  // Each entry: tag, type, count, then the values, or where they lie when they take over 4 bytes.
  const values = new Map<number, number[]>();
  for (let i = 0; i < count; i += 1) {
    const entry = directory + 2 + i * 12;
    const [tag, type, n] = [u16(entry), u16(entry + 2), u32(entry + 4)];
    const size = n * (TIFF_TYPE_BYTES[type] ?? 1);
    const start = size <= 4 ? entry + 8 : u32(entry + 8);
    if (start + size > bytes.length) return `the TIFF's tag ${tag} points past the end of the file`;
    if (!DATA_TAGS.has(tag) || (type !== 3 && type !== 4)) continue;
    const read = (k: number) => (type === 3 ? u16(start + k * 2) : u32(start + k * 4));
    values.set(
      tag,
      Array.from({ length: n }, (_, k) => read(k)),
    );
  }

  const offsets = values.get(TIFF_DATA_TAGS.stripOffsets) ?? values.get(TIFF_DATA_TAGS.tileOffsets) ?? [];
  const lengths = values.get(TIFF_DATA_TAGS.stripBytes) ?? values.get(TIFF_DATA_TAGS.tileBytes) ?? [];
  const end = offsets.reduce((last, offset, k) => Math.max(last, offset + (lengths[k] ?? 0)), 0);
  return end > bytes.length
    ? `the TIFF's image data runs to byte ${end}, the file has ${bytes.length}`
    : undefined;
}

/** ISO BMFF boxes (HEIF, AVIF): a 4-byte size (1: a 64-bit size follows; 0: to the end) and a type. */
function boxesCutShort(bytes: Buffer): string | undefined {
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    let size = bytes.readUInt32BE(offset);
    if (size === 0) return undefined;
    if (size === 1) {
      if (offset + 16 > bytes.length) return `the ${type} box runs past the end of the file`;
      size = Number(bytes.readBigUInt64BE(offset + 8));
    }
    if (size < 8) return undefined;
    if (offset + size > bytes.length) return `the ${type} box runs past the end of the file`;
    offset += size;
  }
  return offset === bytes.length ? undefined : 'the file ends inside a box header';
}

/** What a PNG header says about the picture's size, and whether PNG allows it. */
export function pngHeaderSize(bytes: Buffer): { width: number; height: number; valid: boolean } | undefined {
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const valid = width >= 1 && height >= 1 && width <= PNG_MAX_SIDE && height <= PNG_MAX_SIDE;
  return { width, height, valid };
}

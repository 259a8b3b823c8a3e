import sharp, { type Metadata } from 'sharp';
import { messageOf } from './errors.js';
import { MID_GREY } from './grey.js';
import { cutShort, PNG_MAX_SIDE, photoSignature, pngHeaderSize, SIGNATURE_BYTES } from './signature.js';

/** Why a file was left out of the training set. */
export type QuarantineReason =
  | 'empty'
  | 'not-an-image'
  | 'unsupported-format'
  | 'truncated'
  | 'corrupt'
  | 'too-many-pixels'
  | 'file-too-large'
  | 'too-small'
  | 'unreadable';

export const QUARANTINE_REASONS: readonly QuarantineReason[] = [
  'empty',
  'not-an-image',
  'unsupported-format',
  'truncated',
  'corrupt',
  'too-many-pixels',
  'file-too-large',
  'too-small',
  'unreadable',
];

export interface PhotoOptions {
  sizePx: number;
  /** 'crop' cuts the longer side to a centred square; 'pad' keeps the whole picture on a grey square. */
  fit: 'crop' | 'pad';
  /** Width × height of the (first frame of the) picture above which it is refused unread. */
  maxPixels: number;
  /** The shorter side, after EXIF rotation, below which the picture is too small to train on. */
  minSidePx: number;
}

export type PhotoResult = { ok: true; rgb: Buffer } | { ok: false; reason: QuarantineReason; detail: string };

/**
 * Raster formats a photo folder may hold. Vector and document formats that sharp could also open (SVG,
 * PDF) are refused: they are not photos, and an SVG may reference other files.
 */
const PHOTO_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif', 'jp2k', 'jxl']);

/** Whether `format`, as sharp names it, is a photo format ingest takes. */
export function isPhotoFormat(format: string): boolean {
  return PHOTO_FORMATS.has(format);
}

/** The refusal of a format libvips can read but that holds no photo. */
export function unsupportedFormat(format: string): PhotoResult {
  return refuse('unsupported-format', `${format} is not a photo format (${[...PHOTO_FORMATS].join(', ')})`);
}

/**
 * Turns the bytes of one file into a training image: sRGB, upright per its EXIF orientation, the first
 * frame of an animation, transparency flattened onto mid-grey, cropped or padded to a square of `sizePx`,
 * 3 channels of 8 bits. A file that cannot be used is an expected outcome, returned with its reason
 * rather than thrown, so one bad file never stops a folder.
 */
export async function preparePhoto(bytes: Buffer, options: PhotoOptions): Promise<PhotoResult> {
  if (bytes.length === 0) return refuse('empty', 'the file has 0 bytes');

  // The header alone: cheap, and it lets the size checks refuse a huge picture before it is decoded.
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    return failure(err, bytes, options);
  }
  const format = meta.format ?? 'unknown';
  if (!isPhotoFormat(format)) return unsupportedFormat(format);

  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.pageHeight ?? meta.autoOrient?.height ?? meta.height ?? 0;
  if (width * height > options.maxPixels) {
    return refuse(
      'too-many-pixels',
      `${width}×${height} is ${width * height} pixels, over the limit of ${options.maxPixels}`,
    );
  }
  if (Math.min(width, height) < options.minSidePx) {
    return refuse('too-small', `${width}×${height} has a side under ${options.minSidePx} px`);
  }

  try {
    const { data, info } = await sharp(bytes, {
      failOn: 'error',
      limitInputPixels: options.maxPixels,
      pages: 1,
      page: 0,
    })
      .autoOrient()
      .toColourspace('srgb')
      .flatten({ background: MID_GREY })
      .resize(options.sizePx, options.sizePx, {
        fit: options.fit === 'crop' ? 'cover' : 'contain',
        position: 'centre',
        background: MID_GREY,
      })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });

    if (info.channels !== 3 || info.width !== options.sizePx || info.height !== options.sizePx) {
      const found = `${info.width}×${info.height}×${info.channels}`;
      return refuse('corrupt', `decoding gave ${found}, expected ${options.sizePx}×${options.sizePx}×3`);
    }
    return { ok: true, rgb: data };
  } catch (err) {
    return failure(err, bytes, options);
  }
}

function refuse(reason: QuarantineReason, detail: string): PhotoResult {
  return { ok: false, reason, detail };
}

/**
 * Why libvips failed on `bytes`. The file's own structure comes first: a file cut short is `truncated`
 * whatever libvips said, which differs by format and is sometimes only "libpng read error".
 */
function failure(err: unknown, bytes: Buffer, options: PhotoOptions): PhotoResult {
  const message = libvipsMessage(err);
  const format = photoSignature(bytes.subarray(0, SIGNATURE_BYTES));
  const short = format === undefined ? undefined : cutShort(bytes, format);
  if (short !== undefined) return refuse('truncated', `cut short: ${short} (${message})`);

  // libvips sometimes says only "Input buffer has corrupt header:", with no reason after the colon.
  if (message.endsWith(':')) return headerFailure(bytes, format, options);

  const reason = classify(message);
  if (reason === 'not-an-image' && format !== undefined) {
    return refuse('unsupported-format', `the file looks like ${format}, which this libvips cannot read`);
  }
  return refuse(reason, message);
}

/** Says what a header libvips refused without a reason claims, where the format lets us read it. */
function headerFailure(bytes: Buffer, format: string | undefined, options: PhotoOptions): PhotoResult {
  const size = format === 'png' ? pngHeaderSize(bytes) : undefined;
  if (size === undefined) {
    return refuse(
      'corrupt',
      `libvips could not read the header of this ${format ?? 'file'} and gave no reason`,
    );
  }
  const { width, height } = size;
  if (!size.valid) {
    return refuse(
      'corrupt',
      `the PNG header claims ${width}×${height} pixels; PNG allows 1 to ${PNG_MAX_SIDE} pixels per side`,
    );
  }
  if (width * height > options.maxPixels) {
    return refuse(
      'too-many-pixels',
      `the PNG header claims ${width}×${height} pixels, over the limit of ${options.maxPixels}`,
    );
  }
  return refuse(
    'corrupt',
    `libvips could not read the PNG header (it claims ${width}×${height}) and gave no reason`,
  );
}

/** Longer libvips messages keep only their last "loader: problem" line, usually the one that matters. */
const MESSAGE_CHARS = 240;

/** libvips's message on one line: its lines, without repeats, joined by '; '. */
function libvipsMessage(err: unknown): string {
  const lines = [...new Set(messageOf(err).split('\n'))].map((line) => line.trim()).filter(Boolean);
  const joined = lines.join('; ');
  if (joined.length <= MESSAGE_CHARS) return joined;
  const named = lines.filter((line) => line.includes(': '));
  return `…; ${named[named.length - 1] ?? lines[lines.length - 1]}`;
}

/** Sorts a libvips error into a reason by its message, the only place libvips says what went wrong. */
function classify(libvips: string): QuarantineReason {
  const message = libvips.toLowerCase();
  if (message.includes('unsupported image format')) return 'not-an-image';
  if (message.includes('pixel limit')) return 'too-many-pixels';
  if (/premature end|truncated|unexpected end|end of (file|stream|data)|short read/.test(message)) {
    return 'truncated';
  }
  return 'corrupt';
}

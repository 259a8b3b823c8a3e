import { constants } from 'node:fs';
import { type FileHandle, lstat, open, readlink } from 'node:fs/promises';
import sharp from 'sharp';
import { messageOf } from './errors.js';
import {
  isPhotoFormat,
  type PhotoOptions,
  type PhotoResult,
  preparePhoto,
  unsupportedFormat,
} from './photo.js';
import { photoSignature } from './signature.js';

export interface PhotoFileOptions extends PhotoOptions {
  /** Files larger than this are refused before they are read: a picture never needs that much. */
  maxFileBytes: number;
}

/**
 * How much of a file is read first. Enough for every photo signature and for libvips to name most other
 * formats from their header; a file this small is simply read whole.
 */
const HEAD_BYTES = 64 * 1024;

/**
 * Reads one file and prepares it as a training image (see preparePhoto), looking before it reads: the
 * size and the first bytes decide whether the rest is worth reading, so a film or an archive costs a
 * few kilobytes, not its size in memory. The file is only ever opened for reading, and its format is
 * judged by its content, never by an extension that may lie. Every failure is an expected outcome,
 * returned with its reason.
 */
export async function readPhotoFile(file: string, options: PhotoFileOptions): Promise<PhotoResult> {
  let handle: FileHandle;
  try {
    // Non-blocking, so that a named pipe that took a file's place since the folder was listed cannot
    // hang the ingest; for a regular file the flag changes nothing.
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return refuse('unreadable', await whyUnopenable(file, err));
  }
  let bytes: Buffer | PhotoResult;
  try {
    bytes = await readIfWorthIt(handle, options.maxFileBytes);
  } catch (err) {
    return refuse('unreadable', messageOf(err));
  } finally {
    await handle.close();
  }
  if (!Buffer.isBuffer(bytes)) return bytes;

  try {
    return await preparePhoto(bytes, options);
  } catch (err) {
    return refuse('corrupt', messageOf(err));
  }
}

/** The whole file, or why it is not worth reading, decided from its size and first bytes. */
async function readIfWorthIt(handle: FileHandle, maxFileBytes: number): Promise<Buffer | PhotoResult> {
  const info = await handle.stat();
  if (!info.isFile()) return refuse('unreadable', 'not a regular file');
  if (info.size === 0) return refuse('empty', 'the file has 0 bytes');

  const head = await readUpTo(handle, Math.min(info.size, HEAD_BYTES));
  const whole = head.length === info.size;
  if (photoSignature(head) === undefined) {
    // A small file is all head: preparePhoto judges it as before, naming the format libvips sees.
    if (whole) return head;
    const judged = await judgeByHead(head, info.size);
    if (judged !== undefined) return judged;
  }

  if (info.size > maxFileBytes) {
    return refuse(
      'file-too-large',
      `the file is ${mebibytes(info.size)}, over the limit of ${mebibytes(maxFileBytes)} for one ` +
        'picture; it was not read',
    );
  }
  return whole ? head : await readUpTo(handle, info.size);
}

/**
 * Judges a file too large to read whole by its first bytes, which match no photo signature: libvips
 * names most formats from their header. Returns undefined for a photo format the signatures missed.
 */
async function judgeByHead(head: Buffer, size: number): Promise<PhotoResult | undefined> {
  let format: string;
  try {
    format = (await sharp(head, { limitInputPixels: false }).metadata()).format ?? 'unknown';
  } catch (err) {
    const message = messageOf(err);
    if (message.toLowerCase().includes('unsupported image format')) {
      return refuse(
        'not-an-image',
        `its first ${head.length} bytes match no image format; the rest of its ${size} bytes was not read`,
      );
    }
    return refuse('unsupported-format', `its first bytes match no photo format (libvips: ${message.trim()})`);
  }
  return isPhotoFormat(format) ? undefined : unsupportedFormat(format);
}

/** Reads from the start of the file until `length` bytes or its end, whichever comes first. */
async function readUpTo(handle: FileHandle, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Why a listed file could not be opened; a symbolic link gets its target named. */
async function whyUnopenable(file: string, err: unknown): Promise<string> {
  const code = (err as NodeJS.ErrnoException).code;
  const link = await lstat(file).catch(() => undefined);
  if (link?.isSymbolicLink()) {
    const target = await readlink(file).catch(() => 'an unreadable target');
    if (code === 'ENOENT') return `broken symbolic link: it points to ${target}, which does not exist`;
    if (code === 'ELOOP') return `symbolic link loop: it points to ${target}, which leads back to a link`;
    return `symbolic link to ${target}: ${messageOf(err)}`;
  }
  return messageOf(err);
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function refuse(reason: Exclude<PhotoResult, { ok: true }>['reason'], detail: string): PhotoResult {
  return { ok: false, reason, detail };
}

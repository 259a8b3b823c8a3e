import { DatasetError } from './errors.js';

/** The training sizes the dataset builders accept, in pixels per side. */
export const SIZE_PX_RANGE = Object.freeze({ min: 8, max: 1024 });

/** Returns `sizePx` when it is a whole number within SIZE_PX_RANGE; throws a DatasetError otherwise. */
export function checkSizePx(sizePx: number): number {
  if (!Number.isInteger(sizePx) || sizePx < SIZE_PX_RANGE.min || sizePx > SIZE_PX_RANGE.max) {
    throw new DatasetError(
      'bad-option',
      `Expected the image size to be a whole number of pixels from ${SIZE_PX_RANGE.min} to ` +
        `${SIZE_PX_RANGE.max}, found ${sizePx}. Pass --size 64, for example.`,
      { sizePx },
    );
  }
  return sizePx;
}

/** Returns `value` when it is a whole number of at least 1; throws a DatasetError naming `what` otherwise. */
export function checkCount(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new DatasetError(
      'bad-option',
      `Expected ${what} to be a whole number of at least 1, found ${value}.`,
      {
        [what]: value,
      },
    );
  }
  return value;
}

import { createHash } from 'node:crypto';

/** The hex SHA-256 of an image's final RGB bytes: two items are exact duplicates when these match. */
export function pixelHash(rgb: Uint8Array): string {
  return createHash('sha256').update(rgb).digest('hex');
}

/**
 * Remembers which pixel hashes it has seen and who brought each first. Hashing the finished training
 * pixels, not the files, also catches the same picture saved twice under two names or formats.
 */
export class DuplicateFilter {
  readonly #firstBy = new Map<string, string>();

  /** Returns the id that already holds these pixels, or undefined after recording `id` as their owner. */
  claim(sha256: string, id: string): string | undefined {
    const owner = this.#firstBy.get(sha256);
    if (owner !== undefined) return owner;
    this.#firstBy.set(sha256, id);
    return undefined;
  }
}

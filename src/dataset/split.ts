import { createHash } from 'node:crypto';

/** The share of groups held out for validation. */
export const VAL_FRACTION = 0.1;

/**
 * Assigns a group to 'train' or 'val' from a hash of its name alone, so the answer never depends on the
 * order, the count or the size of the images, and every image of one character lands on the same side:
 * a validation image whose skin-tone twin was trained on would flatter the model.
 */
export function splitForGroup(group: string): 'train' | 'val' {
  const digest = createHash('sha256').update(group, 'utf8').digest();
  const unit = digest.readUInt32BE(0) / 2 ** 32;
  return unit < VAL_FRACTION ? 'val' : 'train';
}

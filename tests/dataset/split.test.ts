import { describe, expect, it } from 'vitest';
import { splitForGroup, VAL_FRACTION } from '../../src/dataset/split.js';

describe('splitForGroup', () => {
  it('given the same group twice, then gives the same split', () => {
    expect(splitForGroup('emoji:1f47b')).toBe(splitForGroup('emoji:1f47b'));
  });

  it('given many groups, then holds out about a tenth for validation', () => {
    const groups = Array.from({ length: 5000 }, (_, i) => `file:photo-${i}.jpg`);
    const val = groups.filter((group) => splitForGroup(group) === 'val').length / groups.length;
    expect(val).toBeGreaterThan(VAL_FRACTION - 0.02);
    expect(val).toBeLessThan(VAL_FRACTION + 0.02);
  });
});

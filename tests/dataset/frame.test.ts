import { describe, expect, it } from 'vitest';
import { DRAWING_FILL, drawingBox, frameOnGrey } from '../../src/dataset/frame.js';

/** A transparent square canvas with an opaque red rectangle. */
function canvas(size: number, rect: { left: number; top: number; width: number; height: number }) {
  const data = Buffer.alloc(size * size * 4);
  for (let y = rect.top; y < rect.top + rect.height; y += 1) {
    for (let x = rect.left; x < rect.left + rect.width; x += 1)
      data.set([255, 0, 0, 255], (y * size + x) * 4);
  }
  return { data, width: size, height: size };
}

describe('frameOnGrey', () => {
  it('given a drawing off in a corner, then centres and scales it on mid-grey', async () => {
    const art = canvas(100, { left: 5, top: 10, width: 20, height: 20 });
    expect(drawingBox(art)).toEqual({ left: 5, top: 10, width: 20, height: 20 });

    const size = 32;
    const rgb = await frameOnGrey(art, size);
    expect(rgb.length).toBe(size * size * 3);

    const at = (x: number, y: number) => [...rgb.subarray((y * size + x) * 3, (y * size + x) * 3 + 3)];
    expect(at(0, 0)).toEqual([128, 128, 128]);
    expect(at(size - 1, size - 1)).toEqual([128, 128, 128]);
    expect(at(size / 2, size / 2)).toEqual([255, 0, 0]);

    const inner = Math.round(size * DRAWING_FILL);
    const margin = (size - inner) / 2;
    expect(at(margin, size / 2)).toEqual([255, 0, 0]);
    expect(at(margin - 1, size / 2)).toEqual([128, 128, 128]);
  });

  it('given fully transparent art, then refuses it', async () => {
    await expect(frameOnGrey(canvas(8, { left: 0, top: 0, width: 0, height: 0 }), 8)).rejects.toThrow(
      /transparent/,
    );
  });
});

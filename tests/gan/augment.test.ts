import { describe, expect, it } from 'vitest';
import { diffAugment } from '../../src/gan/augment.js';
import { Rng } from '../../src/gan/random.js';
import { tf } from '../../src/gan/tf.js';

/** What translation must do, written the obvious way: out[b, y, x] = in[b, y - dy, x - dx], else 0. */
function shiftedByHand(values: Float32Array, shape: number[], seed: number): Float32Array {
  const [batch, height, width, channels] = shape as [number, number, number, number];
  const rng = new Rng(seed);
  const maxShift = Math.max(1, Math.round(height / 8));
  const out = new Float32Array(values.length);
  for (let b = 0; b < batch; b++) {
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const sy = y - dy;
        const sx = x - dx;
        if (sy < 0 || sy >= height || sx < 0 || sx >= width) continue;
        for (let c = 0; c < channels; c++) {
          out[((b * height + y) * width + x) * channels + c] = values[
            ((b * height + sy) * width + sx) * channels + c
          ] as number;
        }
      }
    }
  }
  return out;
}

describe('DiffAugment translation', () => {
  it('given a batch, then each image moves by its own offset with zeros shifted in, channels intact', async () => {
    const shape = [5, 16, 16, 3];
    const input = tf.randomUniform(shape, -1, 1, 'float32', 3);
    const values = (await input.data()) as Float32Array;
    const out = diffAugment(input, ['translation'], new Rng(11));
    expect(out.shape).toEqual(shape);
    const got = (await out.data()) as Float32Array;
    const want = shiftedByHand(values, shape, 11);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i] as number, 6);
    // Shifts of up to 2 px in a 16 px image: some images must actually have moved.
    expect(got.some((v, i) => Math.abs(v - (values[i] as number)) > 1e-6)).toBe(true);
    tf.dispose([input, out]);
  });

  it('given a loss on the shifted images, then the gradient reaches exactly the pixels that stayed inside', async () => {
    const shape = [4, 16, 16, 3];
    const input = tf.randomUniform(shape, -1, 1, 'float32', 5);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(diffAugment(x, ['translation'], new Rng(7))))(input);
    const got = (await grad.data()) as Float32Array;
    // Each input pixel counts once if its shifted position is inside the image, else not at all.
    const [batch, height, width] = shape as [number, number, number, number];
    const inside = new Float32Array(got.length);
    const rng = new Rng(7);
    const maxShift = Math.max(1, Math.round(height / 8));
    for (let b = 0; b < batch; b++) {
      const dy = rng.int(2 * maxShift + 1) - maxShift;
      const dx = rng.int(2 * maxShift + 1) - maxShift;
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++)
          for (let c = 0; c < 3; c++) {
            const ok = y + dy >= 0 && y + dy < height && x + dx >= 0 && x + dx < width;
            inside[((b * height + y) * width + x) * 3 + c] = ok ? 1 : 0;
          }
    }
    expect(Array.from(got)).toEqual(Array.from(inside));
    tf.dispose([input, grad]);
  });
});

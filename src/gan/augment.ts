import type { GanConfig } from './config.js';
import type { Rng } from './random.js';
import { type Tensor, tf } from './tf.js';

/**
 * DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training"):
 * the same random, differentiable transforms are applied to real and fake images before the
 * discriminator sees them, in both the discriminator's and the generator's step. With a few thousand
 * images this is what keeps the discriminator from memorising the training set.
 *
 * All random choices come from the JS `Rng` and enter the graph as constants, so gradients flow
 * through the images only and a run is reproducible from its seed.
 */
export function diffAugment(images: Tensor, policies: GanConfig['augment'], rng: Rng): Tensor {
  let x = images;
  for (const policy of policies) {
    if (policy === 'color') x = augmentColor(x, rng);
    else if (policy === 'translation') x = augmentTranslation(x, rng);
    else x = augmentCutout(x, rng);
  }
  return x;
}

function perSample(batch: number, rng: Rng, draw: (r: Rng) => number): Tensor {
  return tf.tensor4d(
    Float32Array.from({ length: batch }, () => draw(rng)),
    [batch, 1, 1, 1],
  );
}

/** Brightness, saturation and contrast, each with a random factor per image. */
function augmentColor(x: Tensor, rng: Rng): Tensor {
  const batch = x.shape[0] as number;

  // Brightness: shift by U(-0.5, 0.5).
  let y = tf.add(
    x,
    perSample(batch, rng, (r) => r.next() - 0.5),
  );

  // Saturation: scale the distance from the per-pixel grey by U(0, 2).
  const grey = tf.mean(y, 3, true);
  y = tf.add(
    tf.mul(
      tf.sub(y, grey),
      perSample(batch, rng, (r) => r.next() * 2),
    ),
    grey,
  );

  // Contrast: scale the distance from the image's mean by U(0.5, 1.5).
  const mean = tf.mean(y, [1, 2, 3], true);
  return tf.add(
    tf.mul(
      tf.sub(y, mean),
      perSample(batch, rng, (r) => r.next() + 0.5),
    ),
    mean,
  );
}

/**
 * Shifts each image by up to 1/8 of its size in x and y, filling with zeros (mid-grey, the
 * background of the data). TF.js has no cheap differentiable per-image gather, so the shift is two
 * batched matrix products with 0/1 matrices on the NHWC layout as it is, viewed as [B, H, W·C]:
 * `Ty @ img` moves rows, and `img @ (Txᵀ ⊗ I_C)` moves columns with their channels. Both products and
 * their gradients run on the matrix kernels; slicing, padding or transposing to planes cost several
 * times more on the CPU backend.
 */
function augmentTranslation(x: Tensor, rng: Rng): Tensor {
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const maxShift = Math.max(1, Math.round(height / 8));
  const row = width * channels;
  const ty = new Float32Array(batch * height * height);
  const tx = new Float32Array(batch * row * row);
  for (let b = 0; b < batch; b++) {
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    fillShift(ty, b * height * height, height, 1, dy);
    fillShift(tx, b * row * row, width, channels, dx);
  }
  const rows = tf.matMul(tf.tensor3d(ty, [batch, height, height]), tf.reshape(x, [batch, height, row]));
  const moved = tf.matMul(rows, tf.tensor3d(tx, [batch, row, row]), false, true);
  return tf.reshape(moved, [batch, height, width, channels]);
}

/**
 * Writes the (n·k) × (n·k) matrix that, as a left factor, moves blocks of k rows down by `shift`
 * blocks: ones at (i·k + c, (i - shift)·k + c). With k = 1 it is a plain shift matrix.
 */
function fillShift(out: Float32Array, offset: number, n: number, k: number, shift: number): void {
  const side = n * k;
  for (let i = 0; i < n; i++) {
    const j = i - shift;
    if (j < 0 || j >= n) continue;
    for (let c = 0; c < k; c++) out[offset + (i * k + c) * side + j * k + c] = 1;
  }
}

/** Zeroes a random square of half the image's side in each image. */
function augmentCutout(x: Tensor, rng: Rng): Tensor {
  const [batch, height, width] = x.shape as [number, number, number, number];
  const side = Math.round(height / 2);
  const mask = new Float32Array(batch * height * width).fill(1);
  for (let b = 0; b < batch; b++) {
    // The square's centre may sit anywhere, so it is often clipped by the border, as in the paper.
    const cy = rng.int(height + (1 - (side % 2))) - Math.floor(side / 2);
    const cx = rng.int(width + (1 - (side % 2))) - Math.floor(side / 2);
    for (let y = Math.max(0, cy); y < Math.min(height, cy + side); y++) {
      for (let xx = Math.max(0, cx); xx < Math.min(width, cx + side); xx++) {
        mask[b * height * width + y * width + xx] = 0;
      }
    }
  }
  return tf.mul(x, tf.tensor4d(mask, [batch, height, width, 1]));
}

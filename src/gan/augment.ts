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
 * background of the data). TF.js has no differentiable per-image gather, so the shift is written as
 * two batched products with 0/1 shift matrices: rows `Ty @ img`, then columns `img @ Tx^T`.
 */
function augmentTranslation(x: Tensor, rng: Rng): Tensor {
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const maxShift = Math.max(1, Math.round(height / 8));
  const ty = new Float32Array(batch * height * height);
  const tx = new Float32Array(batch * width * width);
  for (let b = 0; b < batch; b++) {
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    fillShift(ty, b * height * height, height, dy);
    fillShift(tx, b * width * width, width, dx);
  }

  // [B, H, W, C] -> [B, C, H, W] -> [B*C, H, W]
  const planes = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [batch * channels, height, width]);
  const rows = repeatPerChannel(tf.tensor3d(ty, [batch, height, height]), channels);
  const cols = repeatPerChannel(tf.tensor3d(tx, [batch, width, width]), channels);
  const shifted = tf.matMul(tf.matMul(rows, planes as tf.Tensor3D), cols, false, true);
  return tf.transpose(tf.reshape(shifted, [batch, channels, height, width]), [0, 2, 3, 1]);
}

/** Writes an n x n matrix with ones at (i, i - shift): as a left factor it moves rows down by `shift`. */
function fillShift(out: Float32Array, offset: number, n: number, shift: number): void {
  for (let i = 0; i < n; i++) {
    const j = i - shift;
    if (j >= 0 && j < n) out[offset + i * n + j] = 1;
  }
}

function repeatPerChannel(m: tf.Tensor3D, channels: number): tf.Tensor3D {
  const [batch, a, b] = m.shape;
  return tf.reshape(tf.tile(tf.expandDims(m, 1), [1, channels, 1, 1]), [batch * channels, a, b]);
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

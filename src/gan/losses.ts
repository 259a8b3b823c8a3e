import { type Tensor, tf } from './tf.js';

/**
 * Hinge loss for the discriminator (Lim & Ye 2017; used by SAGAN and BigGAN):
 * `mean(relu(1 - D(real))) + mean(relu(1 + D(fake)))`. Logits beyond the margin stop contributing,
 * which keeps the discriminator from growing its outputs without bound.
 */
export function discriminatorHingeLoss(realLogits: Tensor, fakeLogits: Tensor): tf.Scalar {
  return tf.add(
    tf.mean(tf.relu(tf.sub(1, realLogits))),
    tf.mean(tf.relu(tf.add(1, fakeLogits))),
  ) as tf.Scalar;
}

/** The generator's side of the hinge objective: `-mean(D(G(z)))`. */
export function generatorHingeLoss(fakeLogits: Tensor): tf.Scalar {
  return tf.neg(tf.mean(fakeLogits)) as tf.Scalar;
}

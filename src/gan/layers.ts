import { type Tensor, tf } from './tf.js';

/**
 * The handful of layers the DCGAN needs, as functions of explicit weights. Keeping them functional,
 * rather than tf.layers objects, lets one set of weights serve training, EMA and inference, and lets
 * checkpoints be plain named tensors.
 */

export const BN_EPSILON = 1e-5;

/** Batch-norm moments of one layer, returned in training mode so the caller can update running stats. */
export interface Moments {
  mean: Tensor;
  variance: Tensor;
}

/** `x @ kernel (+ bias)`. */
export function dense(x: Tensor, kernel: Tensor, bias?: Tensor): Tensor {
  const y = tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D);
  return bias ? tf.add(y, bias) : y;
}

/**
 * Batch norm over all axes but the last. Training mode normalises with the batch's own moments and
 * returns them; inference uses the running statistics, so one image does not depend on its batch-mates.
 */
export function batchNorm(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  running: { mean: Tensor; variance: Tensor },
  training: boolean,
): { y: Tensor; moments?: Moments } {
  if (!training) {
    return { y: tf.batchNorm(x, running.mean, running.variance, beta, gamma, BN_EPSILON) };
  }
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return { y: tf.batchNorm(x, mean, variance, beta, gamma, BN_EPSILON), moments: { mean, variance } };
}

/**
 * Kernel names of whole layers that a backend may run as one op with its own gradient; the native
 * kernels do (src/native/kernels/layers.ts). TF.js runs each of these layers as three to a dozen
 * full-size ops forward and more backward, which at 32 px costs as much as the convolutions. Where the
 * current backend has no such kernel, the functions below run the same maths as separate ops.
 */
export const FUSED_LAYER_KERNELS = Object.freeze({
  downConvLeakyRelu: 'NightmaskDownConvLeakyRelu',
  batchNormRelu: 'NightmaskBatchNormRelu',
  upConvTanh: 'NightmaskUpConvTanh',
});

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/**
 * `relu(batchNorm(x))`, in training mode with the batch's moments (returned for the running statistics).
 * The moments come out of the fused kernel as plain outputs; the loss reaches them only through y.
 */
export function batchNormRelu(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  running: { mean: Tensor; variance: Tensor },
  training: boolean,
): { y: Tensor; moments?: Moments } {
  if (training && hasKernel(FUSED_LAYER_KERNELS.batchNormRelu)) {
    const [y, mean, variance] = tf
      .engine()
      .runKernel(FUSED_LAYER_KERNELS.batchNormRelu, { x, gamma, beta }, { varianceEpsilon: BN_EPSILON }) as [
      Tensor,
      Tensor,
      Tensor,
    ];
    return { y, moments: { mean, variance } };
  }
  const out = batchNorm(x, gamma, beta, running, training);
  const y = tf.relu(out.y);
  return out.moments ? { y, moments: out.moments } : { y };
}

/** `leakyRelu(downConv(x, kernel, bias), alpha)`, as one op where the backend has it. */
export function downConvLeakyRelu(x: Tensor, kernel: Tensor, bias: Tensor, alpha: number): Tensor {
  // The fused gradient reads the sign of the input from the output, which needs a positive slope.
  if (alpha > 0 && hasKernel(FUSED_LAYER_KERNELS.downConvLeakyRelu)) {
    return tf
      .engine()
      .runKernel(
        FUSED_LAYER_KERNELS.downConvLeakyRelu,
        { x, filter: kernel, bias },
        { strides: 2, pad: 'same', alpha },
      ) as Tensor;
  }
  return tf.leakyRelu(downConv(x, kernel, bias), alpha);
}

/** `tanh(upConv(x, kernel, bias))`, the generator's output layer, as one op where the backend has it. */
export function upConvTanh(x: Tensor, kernel: Tensor, bias: Tensor): Tensor {
  if (hasKernel(FUSED_LAYER_KERNELS.upConvTanh)) {
    const [batch, height, width] = x.shape as [number, number, number, number];
    const inputShape = [batch, height * 2, width * 2, kernel.shape[2] as number];
    return tf
      .engine()
      .runKernel(
        FUSED_LAYER_KERNELS.upConvTanh,
        { dy: x, filter: kernel, bias },
        { strides: 2, pad: 'same', inputShape },
      ) as Tensor;
  }
  return tf.tanh(upConv(x, kernel, bias));
}

/** A 4x4 convolution with stride 2 and 'same' padding: halves height and width (PyTorch's padding 1). */
export function downConv(x: Tensor, kernel: Tensor, bias?: Tensor): Tensor {
  const y = tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 2, 'same');
  return bias ? tf.add(y, bias) : y;
}

/** A 4x4 transposed convolution with stride 2 and 'same' padding: doubles height and width. */
export function upConv(x: Tensor, kernel: Tensor, bias?: Tensor): Tensor {
  const [batch, height, width] = x.shape as [number, number, number, number];
  const outChannels = kernel.shape[2] as number;
  const y = tf.conv2dTranspose(
    x as tf.Tensor4D,
    kernel as tf.Tensor4D,
    [batch, height * 2, width * 2, outChannels],
    2,
    'same',
  );
  return bias ? tf.add(y, bias) : y;
}

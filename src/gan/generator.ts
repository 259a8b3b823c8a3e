import type { GanConfig } from './config.js';
import { batchNormRelu, dense, type Moments, upConv, upConvTanh } from './layers.js';
import { addBuffer, addParam, createNet, type Net, need } from './net.js';
import type { Rng } from './random.js';
import { type Tensor, tf } from './tf.js';

/** DCGAN weight init (Radford et al. 2016): N(0, 0.02) for kernels, N(1, 0.02) for batch-norm scales. */
const KERNEL_INIT = { mean: 0, std: 0.02 };
const GAMMA_INIT = { mean: 1, std: 0.02 };

/** Channel counts per resolution, from 4x4 up to the last hidden layer at sizePx/2. */
export function generatorChannels(config: Pick<GanConfig, 'sizePx' | 'width'>): number[] {
  const channels = [(config.width * config.sizePx) / 8];
  for (let size = 4; size < config.sizePx / 2; size *= 2) {
    channels.push((channels.at(-1) as number) / 2);
  }
  return channels;
}

/**
 * The DCGAN generator of the reference benchmark:
 *   z [B, latent] -> dense (no bias) -> [B, 4, 4, C] -> BN -> ReLU
 *   then per block: 4x4 transposed conv stride 2 (no bias, C -> C/2) -> BN -> ReLU, up to sizePx/2
 *   then a 4x4 transposed conv to 3 channels with bias -> tanh, giving [B, sizePx, sizePx, 3] in [-1, 1].
 * Convolutions before batch norm carry no bias: the norm's beta would cancel it.
 */
export function buildGenerator(config: GanConfig, rng: Rng): Net {
  const net = createNet('generator');
  const channels = generatorChannels(config);
  const first = channels[0] as number;

  addParam(net, 'fc/kernel', [config.latentDim, 16 * first], KERNEL_INIT, rng);
  addBatchNorm(net, 'fc/bn', first, rng);

  for (let i = 1; i < channels.length; i++) {
    const cin = channels[i - 1] as number;
    const cout = channels[i] as number;
    // Transposed-conv kernels are [h, w, out, in] in TF.js.
    addParam(net, `up${i}/kernel`, [4, 4, cout, cin], KERNEL_INIT, rng);
    addBatchNorm(net, `up${i}/bn`, cout, rng);
  }

  if (config.excitation) {
    for (const { from, to } of excitationPairs(channels.length)) {
      const cin = channels[from] as number;
      const cout = channels[to] as number;
      addParam(net, `sle${to}/squeeze`, [16 * cin, cout], KERNEL_INIT, rng);
      addParam(net, `sle${to}/squeeze-bias`, [cout], 'zeros', rng);
      addParam(net, `sle${to}/gate`, [cout, cout], KERNEL_INIT, rng);
      addParam(net, `sle${to}/gate-bias`, [cout], 'zeros', rng);
    }
  }

  addParam(net, 'out/kernel', [4, 4, 3, channels.at(-1) as number], KERNEL_INIT, rng);
  addParam(net, 'out/bias', [3], 'zeros', rng);
  return net;
}

/** Which block excites which: every block gates the one two doublings larger (4 px → 16 px, 8 → 32, …). */
function excitationPairs(blocks: number): Array<{ from: number; to: number }> {
  return Array.from({ length: Math.max(0, blocks - 2) }, (_, from) => ({ from, to: from + 2 }));
}

/** The [16, size²] matrix that averages each (size/4)² patch of a flattened size × size map into a 4x4 map. */
function poolingMatrix(size: number): Float32Array {
  const k = size / 4;
  const out = new Float32Array(16 * size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const cell = Math.floor(y / k) * 4 + Math.floor(x / k);
      out[cell * size * size + y * size + x] = 1 / (k * k);
    }
  }
  return out;
}

/**
 * Skip-layer excitation: the source block's features, pooled to 4x4, go through a 4x4 "convolution"
 * (a dense layer on the flattened pool), swish, a 1x1 layer and a sigmoid, giving one gate per channel
 * of the target block. Returns the gates as [B, 1, 1, C].
 */
function excitationGates(net: Net, source: Tensor, to: number): Tensor {
  const [batch, size, , channels] = source.shape as [number, number, number, number];
  // Average pooling to 4x4 as a product with a constant averaging matrix: the CPU backend's own
  // average-pool gradient, and a mean over inner axes, each cost more than the rest of the excitation.
  const pooled =
    size === 4
      ? source
      : tf.matMul(
          tf.tensor3d(poolingMatrix(size), [1, 16, size * size]),
          tf.reshape(source, [batch, size * size, channels]),
        );
  const flat = tf.reshape(pooled, [batch, -1]);
  const squeezed = dense(
    flat,
    need(net.params, `sle${to}/squeeze`),
    need(net.params, `sle${to}/squeeze-bias`),
  );
  const swish = tf.mul(squeezed, tf.sigmoid(squeezed));
  const gates = tf.sigmoid(
    dense(swish, need(net.params, `sle${to}/gate`), need(net.params, `sle${to}/gate-bias`)),
  );
  return tf.reshape(gates, [batch, 1, 1, -1]);
}

function addBatchNorm(net: ReturnType<typeof createNet>, name: string, channels: number, rng: Rng): void {
  addParam(net, `${name}/gamma`, [channels], GAMMA_INIT, rng);
  addParam(net, `${name}/beta`, [channels], 'zeros', rng);
  addBuffer(net, `${name}/mean`, [channels], 0);
  addBuffer(net, `${name}/variance`, [channels], 1);
}

/** The generator's output and, in training mode, each batch norm's moments by layer name. */
export interface GeneratorOutput {
  images: Tensor;
  moments: Map<string, Moments>;
}

/** Runs the generator. Pure: reads the net's variables, changes nothing. */
export function runGenerator(net: Net, z: Tensor, config: GanConfig, training: boolean): GeneratorOutput {
  const moments = new Map<string, Moments>();
  const normRelu = (x: Tensor, name: string): Tensor => {
    const running = {
      mean: need(net.buffers, `${name}/mean`),
      variance: need(net.buffers, `${name}/variance`),
    };
    const gamma = need(net.params, `${name}/gamma`);
    const beta = need(net.params, `${name}/beta`);
    const out = batchNormRelu(x, gamma, beta, running, training);
    if (out.moments) moments.set(name, out.moments);
    return out.y;
  };
  const channels = generatorChannels(config);
  const batch = z.shape[0] as number;

  // [B, latent] -> [B, 4, 4, C0]
  let x = dense(z, need(net.params, 'fc/kernel'));
  x = tf.reshape(x, [batch, 4, 4, channels[0] as number]);
  x = normRelu(x, 'fc/bn');

  // [B, s, s, C] -> [B, 2s, 2s, C/2], up to sizePx/2; with excitation, block i - 2 gates block i.
  const blocks: Tensor[] = [x];
  for (let i = 1; i < channels.length; i++) {
    x = upConv(x, need(net.params, `up${i}/kernel`));
    x = normRelu(x, `up${i}/bn`);
    if (config.excitation && i >= 2) x = tf.mul(x, excitationGates(net, blocks[i - 2] as Tensor, i));
    blocks.push(x);
  }

  // [B, sizePx/2, sizePx/2, C] -> [B, sizePx, sizePx, 3]
  const images = upConvTanh(x, need(net.params, 'out/kernel'), need(net.params, 'out/bias'));
  return { images, moments };
}

/**
 * Moves each running statistic towards the batch's moments (momentum 0.1, PyTorch's default).
 * Variance is the unbiased estimate, as PyTorch keeps it.
 */
export function updateRunningStats(net: Net, moments: Map<string, Moments>, batchElements: number): void {
  const momentum = 0.1;
  const unbias = batchElements > 1 ? batchElements / (batchElements - 1) : 1;
  tf.tidy(() => {
    for (const [name, m] of moments) {
      const mean = need(net.buffers, `${name}/mean`);
      const variance = need(net.buffers, `${name}/variance`);
      mean.assign(tf.add(tf.mul(mean, 1 - momentum), tf.mul(m.mean, momentum)));
      variance.assign(tf.add(tf.mul(variance, 1 - momentum), tf.mul(m.variance, momentum * unbias)));
    }
  });
}

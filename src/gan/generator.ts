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

  addParam(net, 'out/kernel', [4, 4, 3, channels.at(-1) as number], KERNEL_INIT, rng);
  addParam(net, 'out/bias', [3], 'zeros', rng);
  return net;
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

  // [B, s, s, C] -> [B, 2s, 2s, C/2], up to sizePx/2
  for (let i = 1; i < channels.length; i++) {
    x = upConv(x, need(net.params, `up${i}/kernel`));
    x = normRelu(x, `up${i}/bn`);
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

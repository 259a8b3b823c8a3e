import type { GanConfig } from './config.js';
import { dense, downConvLeakyRelu } from './layers.js';
import { addParam, createNet, type Net, need } from './net.js';
import type { Rng } from './random.js';
import { type Tensor, tf } from './tf.js';

const KERNEL_INIT = { mean: 0, std: 0.02 };
const LEAK = 0.2;

/** Channel counts per block, from sizePx/2 down to 4x4. */
export function discriminatorChannels(config: Pick<GanConfig, 'sizePx' | 'width'>): number[] {
  const channels = [config.width];
  for (let size = config.sizePx / 2; size > 4; size /= 2) channels.push((channels.at(-1) as number) * 2);
  return channels;
}

/**
 * The DCGAN discriminator of the reference benchmark:
 *   [B, s, s, 3] -> 4x4 conv stride 2 (3 -> W) -> leaky ReLU 0.2
 *   then 4x4 convs stride 2 doubling the channels down to 4x4, each with leaky ReLU 0.2
 *   then flatten -> dense to one logit. No batch norm: the hinge loss and DiffAugment keep it stable.
 */
export function buildDiscriminator(config: GanConfig, rng: Rng): Net {
  const net = createNet('discriminator');
  const channels = discriminatorChannels(config);
  let cin = 3;
  channels.forEach((cout, i) => {
    addParam(net, `down${i}/kernel`, [4, 4, cin, cout], KERNEL_INIT, rng);
    addParam(net, `down${i}/bias`, [cout], 'zeros', rng);
    cin = cout;
  });
  addParam(net, 'fc/kernel', [16 * cin, 1], KERNEL_INIT, rng);
  addParam(net, 'fc/bias', [1], 'zeros', rng);
  return net;
}

/** One logit per image, shape [B, 1]. Pure. */
export function runDiscriminator(net: Net, images: Tensor, config: GanConfig): Tensor {
  const channels = discriminatorChannels(config);
  let x = images;
  for (let i = 0; i < channels.length; i++) {
    x = downConvLeakyRelu(x, need(net.params, `down${i}/kernel`), need(net.params, `down${i}/bias`), LEAK);
  }
  x = tf.reshape(x, [x.shape[0] as number, -1]);
  return dense(x, need(net.params, 'fc/kernel'), need(net.params, 'fc/bias'));
}

import { adamUpdate } from './adam.js';
import { diffAugment } from './augment.js';
import { runDiscriminator } from './discriminator.js';
import { emaDecayAt, updateEma } from './ema.js';
import type { GanState } from './gan.js';
import { runGenerator, updateRunningStats } from './generator.js';
import { discriminatorHingeLoss, generatorHingeLoss } from './losses.js';
import type { Net } from './net.js';
import type { Rng } from './random.js';
import { type Tensor, tf } from './tf.js';

/** Scalar tensors the caller reads (asynchronously: `await t.data()`) and then disposes. */
export interface StepLosses {
  discriminator: tf.Scalar;
  generator: tf.Scalar;
}

export interface StepOptions {
  /** DiffAugment on real and fake images; off for the reference benchmark. Default: on. */
  augment?: boolean;
  /** Update the EMA generator after the step. Default: on. */
  ema?: boolean;
}

/**
 * One GAN training step on a batch of real images in [-1, 1], shape [B, s, s, 3].
 * It changes only the state's variables and step counter: no disk, network or process state.
 * Randomness comes from `rng`, so a run is reproducible from its seed on one backend.
 */
export function trainStep(state: GanState, real: Tensor, rng: Rng, options: StepOptions = {}): StepLosses {
  const { config } = state;
  const batch = real.shape[0] as number;
  const augment = options.augment ?? true;
  const view = (images: Tensor): Tensor => (augment ? diffAugment(images, config.augment, rng) : images);
  const z = tf.randomNormal([batch, config.latentDim], 0, 1, 'float32', rng.seed());

  // Discriminator: hinge loss on real images and on fakes it cannot push gradients into.
  const fakes = tf.tidy(() => {
    const out = runGenerator(state.generator, z, config, true);
    const pixels = (out.images.shape[1] as number) ** 2;
    updateRunningStats(state.generator, out.moments, batch * pixels);
    return out.images;
  });
  const dResult = gradientsOf(state.discriminator, () =>
    discriminatorHingeLoss(
      runDiscriminator(state.discriminator, view(real), config),
      runDiscriminator(state.discriminator, view(fakes), config),
    ),
  );
  fakes.dispose();
  adamUpdate(state.dOptimizer, state.discriminator, dResult.grads);

  // Generator: the same latents again, now with gradients through the discriminator into G.
  const gResult = gradientsOf(state.generator, () =>
    generatorHingeLoss(
      runDiscriminator(
        state.discriminator,
        view(runGenerator(state.generator, z, config, true).images),
        config,
      ),
    ),
  );
  z.dispose();
  adamUpdate(state.gOptimizer, state.generator, gResult.grads);

  // EMA of the generator, with the warm-up that keeps early samples from staying grey.
  if (options.ema ?? true) updateEma(state.ema, state.generator, emaDecayAt(state.step, config.emaDecay));

  state.step += 1;
  return { discriminator: dResult.value, generator: gResult.value };
}

/** Loss and gradients with respect to one net's trainable weights, keyed by their stable names. */
function gradientsOf(net: Net, loss: () => tf.Scalar): { value: tf.Scalar; grads: Map<string, Tensor> } {
  const names = [...net.params.keys()];
  const variables = [...net.params.values()];
  const { value, grads } = tf.variableGrads(loss, variables);
  const byName = new Map<string, Tensor>();
  names.forEach((name, i) => {
    const g = grads[(variables[i] as tf.Variable).name];
    if (!g) throw new Error(`no gradient for '${name}': is it used by the loss?`);
    byName.set(name, g);
  });
  return { value, grads: byName };
}

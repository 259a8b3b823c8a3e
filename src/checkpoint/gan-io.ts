import { parseGanConfig } from '../gan/config.js';
import { createGan, type GanState } from '../gan/gan.js';
import { buildGenerator } from '../gan/generator.js';
import { type Net, namedVariables } from '../gan/net.js';
import { Rng } from '../gan/random.js';
import { tf, type Variable } from '../gan/tf.js';
import { CheckpointError } from './errors.js';
import type { LoadedCheckpoint } from './store.js';

type Named = Array<{ name: string; shape: number[]; values: Float32Array }>;

/** The parts of a GAN's state as (prefix, variables by stable name). */
function parts(state: GanState): Array<[string, Iterable<[string, Variable]>]> {
  return [
    ['generator', namedVariables(state.generator)],
    ['discriminator', namedVariables(state.discriminator)],
    ['ema', namedVariables(state.ema)],
    ['gOptimizer.m', state.gOptimizer.m],
    ['gOptimizer.v', state.gOptimizer.v],
    ['dOptimizer.m', state.dOptimizer.m],
    ['dOptimizer.v', state.dOptimizer.v],
  ];
}

/**
 * Reads every variable's values. Asynchronous on purpose: GPU backends (WebGPU) cannot read
 * synchronously, and awaiting lets the trainer answer its parent between tensors.
 */
export async function snapshotGan(state: GanState): Promise<Named> {
  const out: Named = [];
  for (const [prefix, vars] of parts(state)) {
    for (const [name, v] of vars) {
      out.push({ name: `${prefix}/${name}`, shape: [...v.shape], values: (await v.data()) as Float32Array });
    }
  }
  return out;
}

function assignAll(loaded: LoadedCheckpoint, prefix: string, vars: Iterable<[string, Variable]>): void {
  for (const [name, v] of vars) {
    const key = `${prefix}/${name}`;
    const t = loaded.tensors.get(key);
    if (!t) throw new CheckpointError(`the checkpoint has no tensor '${key}'`, loaded.path);
    if (t.shape.join('x') !== v.shape.join('x')) {
      const msg = `tensor '${key}' has shape [${t.shape}], the network expects [${v.shape}]`;
      throw new CheckpointError(msg, loaded.path);
    }
    tf.tidy(() => v.assign(tf.tensor(t.values, t.shape)));
  }
}

/** Rebuilds the full training state (networks, EMA, both optimizers, step) from a checkpoint. */
export function restoreGan(loaded: LoadedCheckpoint): GanState {
  const config = parseGanConfig(loaded.manifest.config);
  const state = createGan(config, 0);
  for (const [prefix, vars] of parts(state)) assignAll(loaded, prefix, vars);
  state.step = loaded.manifest.step;
  state.gOptimizer.step = loaded.manifest.optimizerSteps.generator;
  state.dOptimizer.step = loaded.manifest.optimizerSteps.discriminator;
  return state;
}

/** Builds only the EMA generator of a checkpoint: what generation needs, a third of the memory. */
export function loadEmaGenerator(loaded: LoadedCheckpoint): Net {
  const config = parseGanConfig(loaded.manifest.config);
  const net = buildGenerator(config, new Rng(0));
  assignAll(loaded, 'ema', namedVariables(net));
  return net;
}

import type { Rng } from './random.js';
import { type Tensor, tf, type Variable } from './tf.js';

/**
 * A network as plain named variables. Names are stable ('up1/kernel') and are what checkpoints store;
 * the engine-wide variable names carry a unique prefix because TF.js refuses two variables of one name,
 * and a process holds several copies of the generator (training, EMA, a loaded checkpoint).
 */
export interface Net {
  readonly kind: 'generator' | 'discriminator';
  /** Trainable weights. */
  readonly params: Map<string, Variable>;
  /** Non-trainable state: batch-norm running statistics. */
  readonly buffers: Map<string, Variable>;
}

let instances = 0;

/** Builds an empty net whose variables get a prefix no other net in this process uses. */
export function createNet(kind: Net['kind']): Net & { prefix: string } {
  instances += 1;
  return { kind, params: new Map(), buffers: new Map(), prefix: `nm${instances}-${kind[0]}` };
}

/** Adds a trainable weight initialised from N(mean, std), seeded so a run can be rebuilt. */
export function addParam(
  net: Net & { prefix: string },
  name: string,
  shape: number[],
  init: { mean: number; std: number } | 'zeros',
  rng: Rng,
): Variable {
  const value =
    init === 'zeros' ? tf.zeros(shape) : tf.randomNormal(shape, init.mean, init.std, 'float32', rng.seed());
  const v = tf.variable(value, true, `${net.prefix}/${name}`);
  value.dispose();
  net.params.set(name, v);
  return v;
}

/** Adds a running statistic, filled with `fill` (0 for means, 1 for variances). */
export function addBuffer(
  net: Net & { prefix: string },
  name: string,
  shape: number[],
  fill: number,
): Variable {
  const value = tf.fill(shape, fill);
  const v = tf.variable(value, false, `${net.prefix}/${name}`);
  value.dispose();
  net.buffers.set(name, v);
  return v;
}

/** Looks a variable up by its stable name; a missing one is a programming error in the network code. */
export function need(map: Map<string, Variable>, name: string): Variable {
  const v = map.get(name);
  if (!v) throw new Error(`network has no variable '${name}' (have: ${[...map.keys()].join(', ')})`);
  return v;
}

/** Every variable of the net, weights then buffers, by stable name. */
export function namedVariables(net: Net): Array<[string, Variable]> {
  return [...net.params.entries(), ...net.buffers.entries()];
}

/** Copies all weights and buffers from one net into another of the same shape. */
export function copyNet(from: Net, to: Net): void {
  for (const [name, v] of namedVariables(from)) {
    const target = to.params.get(name) ?? to.buffers.get(name);
    if (!target) throw new Error(`cannot copy '${name}': the target network has no such variable`);
    target.assign(v);
  }
}

/** Frees every variable of the net. */
export function disposeNet(net: Net): void {
  for (const [, v] of namedVariables(net)) v.dispose();
}

/** Total number of trainable scalars, for logs. */
export function countParams(net: Net): number {
  let n = 0;
  for (const v of net.params.values()) n += v.size;
  return n;
}

export type { Tensor };

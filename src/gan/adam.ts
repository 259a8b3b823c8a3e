import type { Net } from './net.js';
import { type Tensor, tf, type Variable } from './tf.js';

/**
 * Adam (Kingma & Ba 2015) with its state keyed by the stable parameter names, so that a checkpoint
 * can store and restore it whatever the engine called the variables. The update is PyTorch's form,
 * `p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`, to match the reference benchmark.
 * TF.js's own optimizer keeps its moments by position and engine name, which does not survive a restore.
 */
export interface AdamState {
  /** The step size. Not fixed: the trainer lowers it after a divergence. */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Number of updates applied so far. */
  step: number;
  readonly m: Map<string, Variable>;
  readonly v: Map<string, Variable>;
}

export function createAdam(
  net: Net,
  options: { learningRate: number; beta1: number; beta2: number },
): AdamState {
  const m = new Map<string, Variable>();
  const v = new Map<string, Variable>();
  for (const [name, p] of net.params) {
    // tidy frees the zero tensors the variables are made from; variables themselves outlive it.
    m.set(
      name,
      tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
    );
    v.set(
      name,
      tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
    );
  }
  return { ...options, epsilon: 1e-8, step: 0, m, v };
}

/** The constants of one update, bias corrections included. */
export interface AdamStepConstants {
  beta1: number;
  beta2: number;
  epsilon: number;
  stepSize: number;
  vScale: number;
}

/**
 * A backend's fused update of one parameter and its moments (the native kernels install one). It returns
 * false for anything it does not handle, and the tf ops below then do that parameter.
 */
export type FusedAdamStep = (
  p: Variable,
  g: Tensor,
  m: Variable,
  v: Variable,
  c: AdamStepConstants,
) => boolean;

let fusedStep: FusedAdamStep | null = null;

/** Installs (or, with null, removes) the fused update used while its backend is active. */
export function setFusedAdamStep(step: FusedAdamStep | null): void {
  fusedStep = step;
}

/** Applies one update from gradients keyed by stable name, then disposes the gradients. */
export function adamUpdate(state: AdamState, net: Net, grads: Map<string, Tensor>): void {
  state.step += 1;
  const { beta1, beta2, epsilon } = state;
  const stepSize = state.learningRate / (1 - beta1 ** state.step);
  const vScale = 1 / Math.sqrt(1 - beta2 ** state.step);
  const constants = { beta1, beta2, epsilon, stepSize, vScale };

  tf.tidy(() => {
    for (const [name, g] of grads) {
      const p = net.params.get(name);
      const m = state.m.get(name);
      const v = state.v.get(name);
      if (!p || !m || !v) throw new Error(`Adam has no state for parameter '${name}'`);
      if (fusedStep?.(p, g, m, v, constants)) continue;
      m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
      v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
      const denom = tf.add(tf.mul(tf.sqrt(v), vScale), epsilon);
      p.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepSize)));
    }
  });
  for (const g of grads.values()) g.dispose();
}

export function disposeAdam(state: AdamState): void {
  for (const t of [...state.m.values(), ...state.v.values()]) t.dispose();
}

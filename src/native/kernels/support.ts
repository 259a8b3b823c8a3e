import type { tf } from '../../gan/tf.js';
import type { NativeAddon } from '../addon.js';

/** The part of TF.js's cpu backend the kernels use: its data store and its way to make outputs. */
export interface CpuBackend {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array | Uint8Array): tf.TensorInfo;
}

/** What a native kernel receives: TF.js's kernel arguments, with the cpu backend and the addon. */
export interface NativeArgs {
  inputs: tf.NamedTensorInfoMap;
  attrs: tf.NamedAttrMap;
  backend: CpuBackend;
  addon: NativeAddon;
}

/**
 * A native implementation of one TF.js kernel. It returns null for any case it does not cover (another
 * dtype, a layout, a broadcast it cannot express), and the stock kernel then runs instead.
 */
export interface NativeKernel {
  kernelName: string;
  run(args: NativeArgs): tf.TensorInfo | null;
}

/** The float32 values of a tensor on the cpu backend, or null when it holds anything else. */
export function floats(backend: CpuBackend, t: tf.TensorInfo | undefined): Float32Array | null {
  if (t?.dtype !== 'float32') return null;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Float32Array ? values : null;
}

/** The bytes of a bool tensor on the cpu backend, or null. */
export function bools(backend: CpuBackend, t: tf.TensorInfo | undefined): Uint8Array | null {
  if (t?.dtype !== 'bool') return null;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Uint8Array ? values : null;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A float32 output tensor holding `values`. */
export function output(backend: CpuBackend, shape: number[], values: Float32Array): tf.TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values);
}

/** Fused kernels' activation names, mapped to the addon's unary op numbers; -1 is linear. */
export function activationCode(activation: unknown): number | null {
  switch (activation ?? 'linear') {
    case 'linear':
      return -1;
    case 'relu':
      return UnaryOp.Relu;
    case 'relu6':
      return UnaryOp.Relu6;
    case 'leakyrelu':
      return UnaryOp.LeakyRelu;
    case 'sigmoid':
      return UnaryOp.Sigmoid;
    case 'elu':
      return UnaryOp.Elu;
    default:
      // prelu needs a weight tensor per element; the stock kernel handles it.
      return null;
  }
}

/** The addon's binary op numbers (src/native/cc/elementwise.h). */
export const BinaryOp = {
  Add: 0,
  Sub: 1,
  Mul: 2,
  Div: 3,
  SquaredDifference: 4,
  Maximum: 5,
  Minimum: 6,
  Greater: 7,
  GreaterEqual: 8,
  Less: 9,
  LessEqual: 10,
  Equal: 11,
  NotEqual: 12,
} as const;

/** The addon's unary op numbers (src/native/cc/elementwise.h). */
export const UnaryOp = {
  Relu: 0,
  Relu6: 1,
  LeakyRelu: 2,
  Tanh: 3,
  Sigmoid: 4,
  Square: 5,
  Sqrt: 6,
  Rsqrt: 7,
  Neg: 8,
  Exp: 9,
  Log: 10,
  Abs: 11,
  Step: 12,
  Elu: 13,
  Reciprocal: 14,
} as const;

/** The addon's reduction numbers (src/native/cc/elementwise.h). */
export const ReduceOp = { Sum: 0, Mean: 1, Max: 2, Min: 3, Prod: 4 } as const;

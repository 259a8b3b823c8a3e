import { tf } from '../../gan/tf.js';
import {
  BinaryOp,
  bools,
  floats,
  type NativeArgs,
  type NativeKernel,
  output,
  sizeOf,
  UnaryOp,
} from './support.js';

/**
 * Per-dim strides of `shape` read as part of `outShape` under NumPy broadcasting: 0 where the input has
 * size 1 or no such dim, so the addon walks every input with one odometer.
 */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = outShape.length - shape.length + i;
    const d = shape[i] as number;
    if (d !== 1) strides[o] = step;
    step *= d;
  }
  return strides;
}

/**
 * Drops size-1 dims and merges neighbours that both inputs walk contiguously (or both stay on), so a
 * bias add over [B, H, W, C] becomes [B*H*W, C] and a same-shape add becomes one flat run.
 */
export function collapse(
  outShape: readonly number[],
  sa: readonly number[],
  sb: readonly number[],
): { shape: Int32Array; sa: Int32Array; sb: Int32Array } {
  const dims: Array<[number, number, number]> = [];
  outShape.forEach((d, i) => {
    if (d !== 1) dims.push([d, sa[i] as number, sb[i] as number]);
  });
  const merged: Array<[number, number, number]> = [];
  for (const dim of dims) {
    const last = merged.at(-1);
    if (last && last[1] === dim[1] * dim[0] && last[2] === dim[2] * dim[0]) {
      merged[merged.length - 1] = [last[0] * dim[0], dim[1], dim[2]];
    } else {
      merged.push(dim);
    }
  }
  return {
    shape: Int32Array.from(merged, (d) => d[0]),
    sa: Int32Array.from(merged, (d) => d[1]),
    sb: Int32Array.from(merged, (d) => d[2]),
  };
}

function binaryKernel(kernelName: string, op: number, compare = false): NativeKernel {
  return {
    kernelName,
    run({ inputs, backend, addon }: NativeArgs) {
      const { a, b } = inputs;
      const av = floats(backend, a);
      const bv = floats(backend, b);
      if (!a || !b || !av || !bv) return null;
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      if (outShape.length > 8) return null;
      const plan = collapse(
        outShape,
        broadcastStrides(a.shape, outShape),
        broadcastStrides(b.shape, outShape),
      );
      const size = sizeOf(outShape);
      if (compare) {
        const out = new Uint8Array(size);
        if (size > 0) addon.binary(op, av, bv, out, plan.shape, plan.sa, plan.sb);
        return backend.makeTensorInfo(outShape, 'bool', out);
      }
      const out = new Float32Array(size);
      if (size > 0) addon.binary(op, av, bv, out, plan.shape, plan.sa, plan.sb);
      return output(backend, outShape, out);
    },
  };
}

function unaryKernel(
  kernelName: string,
  op: number,
  alphaOf?: (attrs: tf.NamedAttrMap) => number,
): NativeKernel {
  return {
    kernelName,
    run({ inputs, attrs, backend, addon }: NativeArgs) {
      const { x } = inputs;
      const xv = floats(backend, x);
      if (!x || !xv) return null;
      const out = new Float32Array(xv.length);
      addon.unary(op, xv, out, alphaOf ? alphaOf(attrs) : 0);
      return output(backend, [...x.shape], out);
    },
  };
}

/** where(condition, t, e) when all three have one shape; other shapes go to the stock kernel. */
const select: NativeKernel = {
  kernelName: 'Select',
  run({ inputs, backend, addon }) {
    const { condition, t, e } = inputs;
    const cv = bools(backend, condition);
    const tv = floats(backend, t);
    const ev = floats(backend, e);
    if (!t || !cv || !tv || !ev || cv.length !== tv.length || tv.length !== ev.length) return null;
    const out = new Float32Array(tv.length);
    addon.select(cv, tv, ev, out);
    return output(backend, [...t.shape], out);
  },
};

export const elementwiseKernels: NativeKernel[] = [
  binaryKernel('Add', BinaryOp.Add),
  binaryKernel('Sub', BinaryOp.Sub),
  binaryKernel('Multiply', BinaryOp.Mul),
  binaryKernel('RealDiv', BinaryOp.Div),
  binaryKernel('SquaredDifference', BinaryOp.SquaredDifference),
  binaryKernel('Maximum', BinaryOp.Maximum),
  binaryKernel('Minimum', BinaryOp.Minimum),
  binaryKernel('Greater', BinaryOp.Greater, true),
  binaryKernel('GreaterEqual', BinaryOp.GreaterEqual, true),
  binaryKernel('Less', BinaryOp.Less, true),
  binaryKernel('LessEqual', BinaryOp.LessEqual, true),
  binaryKernel('Equal', BinaryOp.Equal, true),
  binaryKernel('NotEqual', BinaryOp.NotEqual, true),
  unaryKernel('Relu', UnaryOp.Relu),
  unaryKernel('Relu6', UnaryOp.Relu6),
  unaryKernel('LeakyRelu', UnaryOp.LeakyRelu, (attrs) => Number(attrs.alpha)),
  unaryKernel('Tanh', UnaryOp.Tanh),
  unaryKernel('Sigmoid', UnaryOp.Sigmoid),
  unaryKernel('Square', UnaryOp.Square),
  unaryKernel('Sqrt', UnaryOp.Sqrt),
  unaryKernel('Rsqrt', UnaryOp.Rsqrt),
  unaryKernel('Neg', UnaryOp.Neg),
  unaryKernel('Exp', UnaryOp.Exp),
  unaryKernel('Log', UnaryOp.Log),
  unaryKernel('Abs', UnaryOp.Abs),
  unaryKernel('Step', UnaryOp.Step, (attrs) => Number(attrs.alpha ?? 0)),
  unaryKernel('Elu', UnaryOp.Elu),
  unaryKernel('Reciprocal', UnaryOp.Reciprocal),
  select,
];

import { tf } from '../../gan/tf.js';
import { floats, type NativeArgs, type NativeKernel, output, ReduceOp, sizeOf } from './support.js';

/**
 * A reduction over a contiguous run of axes, seen as [outer, size, inner] with the middle reduced. Axes
 * that are not one run (such as [0, 2]) would need a transpose; the stock kernel does those.
 */
function reduceKernel(kernelName: string, op: number, axisAttr: 'axis' | 'reductionIndices'): NativeKernel {
  return {
    kernelName,
    run({ inputs, attrs, backend, addon }: NativeArgs) {
      const { x } = inputs;
      const xv = floats(backend, x);
      if (!x || !xv) return null;
      const shape = x.shape;
      const axes = [...new Set(tf.util.parseAxisParam(attrs[axisAttr] as number | number[], shape))].sort(
        (p, q) => p - q,
      );
      const first = axes[0];
      const last = axes.at(-1);
      if (first === undefined || last === undefined || last - first !== axes.length - 1) return null;
      const size = sizeOf(shape.slice(first, last + 1));
      if (size === 0) return null;

      const outer = sizeOf(shape.slice(0, first));
      const inner = sizeOf(shape.slice(last + 1));
      const out = new Float32Array(outer * inner);
      addon.reduce(op, xv, out, outer, size, inner);
      const outShape = attrs.keepDims
        ? shape.map((d, i) => (i >= first && i <= last ? 1 : d))
        : shape.filter((_, i) => i < first || i > last);
      return output(backend, outShape, out);
    },
  };
}

const tile: NativeKernel = {
  kernelName: 'Tile',
  run({ inputs, attrs, backend, addon }) {
    const { x } = inputs;
    const xv = floats(backend, x);
    const reps = attrs.reps as number[];
    if (!x || !xv || reps.length !== x.shape.length) return null;
    const outShape = x.shape.map((d, i) => d * (reps[i] as number));
    const out = new Float32Array(sizeOf(outShape));
    if (out.length > 0) addon.tile(xv, out, Int32Array.from(x.shape), Int32Array.from(reps));
    return output(backend, outShape, out);
  },
};

export const reduceKernels: NativeKernel[] = [
  reduceKernel('Sum', ReduceOp.Sum, 'axis'),
  reduceKernel('Mean', ReduceOp.Mean, 'axis'),
  reduceKernel('Prod', ReduceOp.Prod, 'axis'),
  reduceKernel('Max', ReduceOp.Max, 'reductionIndices'),
  reduceKernel('Min', ReduceOp.Min, 'axis'),
  tile,
];

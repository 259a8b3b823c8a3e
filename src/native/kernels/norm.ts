import { floats, type NativeKernel, output } from './support.js';

/**
 * Batch norm over the last dim. The stock kernel indexes each parameter by element index modulo its
 * length; that equals per-channel indexing when a parameter has one value per channel or just one, the
 * only cases handled here.
 */
export const fusedBatchNorm: NativeKernel = {
  kernelName: 'FusedBatchNorm',
  run({ inputs, attrs, backend, addon }) {
    const { x, mean, variance, offset, scale } = inputs;
    const xv = floats(backend, x);
    const mv = floats(backend, mean);
    const vv = floats(backend, variance);
    const ov = offset ? floats(backend, offset) : null;
    const sv = scale ? floats(backend, scale) : null;
    if (!x || !xv || !mv || !vv || (offset && !ov) || (scale && !sv)) return null;
    const channels = x.shape.at(-1) ?? 1;
    const fits = (v: Float32Array | null) => v === null || v.length === channels || v.length === 1;
    if (![mv, vv, ov, sv].every(fits)) return null;
    const out = new Float32Array(xv.length);
    addon.batchNorm(xv, mv, vv, ov, sv, out, channels, Number(attrs.varianceEpsilon ?? 0.001));
    return output(backend, [...x.shape], out);
  },
};

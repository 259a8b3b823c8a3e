import { activationCode, floats, type NativeArgs, type NativeKernel, output, sizeOf } from './support.js';

/**
 * a @ b over the last two dims, batched over the leading ones. Batch dims broadcast when one side has a
 * single matrix; other broadcasts go to the stock kernel.
 */
function product({ inputs, attrs, backend, addon }: NativeArgs): { shape: number[]; y: Float32Array } | null {
  const { a, b } = inputs;
  const av = floats(backend, a);
  const bv = floats(backend, b);
  if (!a || !b || !av || !bv || a.shape.length < 2 || b.shape.length < 2) return null;
  const ta = Boolean(attrs.transposeA);
  const tb = Boolean(attrs.transposeB);
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [a0, a1] = [a.shape[ra - 2] as number, a.shape[ra - 1] as number];
  const [b0, b1] = [b.shape[rb - 2] as number, b.shape[rb - 1] as number];
  const m = ta ? a1 : a0;
  const k = ta ? a0 : a1;
  const n = tb ? b0 : b1;
  if ((tb ? b1 : b0) !== k) return null;

  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  const outer = batchA >= batchB ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
  const batch = Math.max(batchA, batchB);
  if ((batchA !== 1 && batchA !== batch) || (batchB !== 1 && batchB !== batch)) return null;

  const y = new Float32Array(batch * m * n);
  const strideA = batchA === 1 ? 0 : m * k;
  const strideB = batchB === 1 ? 0 : k * n;
  addon.matmul(av, bv, y, batch, m, n, k, ta, tb, strideA, strideB, false);
  return { shape: [...outer, m, n], y };
}

export const batchMatMul: NativeKernel = {
  kernelName: 'BatchMatMul',
  run(args) {
    const result = product(args);
    return result && output(args.backend, result.shape, result.y);
  },
};

/** Matrix product with bias and activation applied in the same pass over the output. */
export const fusedMatMul: NativeKernel = {
  kernelName: '_FusedMatMul',
  run(args) {
    const { bias } = args.inputs;
    const act = activationCode(args.attrs.activation);
    const bv = bias ? floats(args.backend, bias) : null;
    if (act === null || (bias && (!bv || bias.shape.length !== 1))) return null;
    const result = product(args);
    if (!result) return null;
    const channels = result.shape.at(-1) as number;
    // Only a bias with one value per output column; anything else broadcasts differently.
    if (bv && bv.length !== channels) return null;
    args.addon.biasActivation(result.y, bv, channels, act, Number(args.attrs.leakyreluAlpha ?? 0.2));
    return output(args.backend, result.shape, result.y);
  },
};

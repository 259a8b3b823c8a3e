import { tf } from '../../gan/tf.js';
import { activationCode, floats, type NativeArgs, type NativeKernel, output, sizeOf } from './support.js';

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/**
 * The geometry in the addon's order. It comes from TF.js's own computeConv2DInfo, called exactly as the
 * stock kernels call it, so 'same', 'valid' and explicit padding and the rounding mode match by design.
 */
function geometry(info: ConvInfo): Int32Array {
  return Int32Array.of(
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  );
}

type Pad = Parameters<typeof tf.backend_util.computeConv2DInfo>[4];
type Rounding = Parameters<typeof tf.backend_util.computeConv2DInfo>[5];

interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: Rounding;
}

type Shape4 = [number, number, number, number];

/** TF.js's geometry of an NHWC convolution, computed with the arguments its stock kernels pass. */
function convInfo(
  inShape: Shape4,
  filterShape: Shape4,
  a: ConvAttrs,
  dilations: ConvAttrs['dilations'] = 1,
): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    a.strides,
    dilations,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
}

function forward({ inputs, attrs, backend, addon }: NativeArgs): { info: ConvInfo; y: Float32Array } | null {
  const { x, filter } = inputs;
  const a = attrs as unknown as ConvAttrs;
  const xv = floats(backend, x);
  const fv = floats(backend, filter);
  if (!x || !filter || !xv || !fv || (a.dataFormat ?? 'NHWC') !== 'NHWC') return null;
  const info = convInfo(x.shape as Shape4, filter.shape as Shape4, a, a.dilations ?? 1);
  const y = new Float32Array(sizeOf(info.outShape));
  addon.conv2d(xv, fv, y, geometry(info));
  return { info, y };
}

export const conv2d: NativeKernel = {
  kernelName: 'Conv2D',
  run(args) {
    const result = forward(args);
    return result && output(args.backend, result.info.outShape, result.y);
  },
};

/** Convolution with bias and activation applied in the same pass over the output. */
export const fusedConv2d: NativeKernel = {
  kernelName: 'FusedConv2D',
  run(args) {
    const { bias } = args.inputs;
    const act = activationCode(args.attrs.activation);
    const bv = bias ? floats(args.backend, bias) : null;
    if (act === null || (bias && (!bv || bias.shape.length !== 1))) return null;
    const result = forward(args);
    if (!result) return null;
    const channels = result.info.outChannels;
    if (bv && bv.length !== channels) return null;
    const alpha = Number(args.attrs.leakyreluAlpha ?? 0.2);
    args.addon.biasActivation(result.y, bv, channels, act, alpha);
    return output(args.backend, result.info.outShape, result.y);
  },
};

/** The input gradient, which is also the forward pass of conv2dTranspose. */
export const conv2dBackpropInput: NativeKernel = {
  kernelName: 'Conv2DBackpropInput',
  run({ inputs, attrs, backend, addon }) {
    const { dy, filter } = inputs;
    const a = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
    const dyv = floats(backend, dy);
    const fv = floats(backend, filter);
    if (!dy || !filter || !dyv || !fv || (a.dataFormat ?? 'NHWC') !== 'NHWC') return null;
    // The stock backprop kernels compute the geometry without dilation; so does this one.
    const info = convInfo(a.inputShape, filter.shape as Shape4, a);
    if (!sameShape(info.outShape, dy.shape)) return null;
    const dx = new Float32Array(sizeOf(info.inShape));
    addon.conv2dBackpropInput(dyv, fv, dx, geometry(info));
    return output(backend, [...info.inShape], dx);
  },
};

export const conv2dBackpropFilter: NativeKernel = {
  kernelName: 'Conv2DBackpropFilter',
  run({ inputs, attrs, backend, addon }) {
    const { x, dy } = inputs;
    const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
    const xv = floats(backend, x);
    const dyv = floats(backend, dy);
    if (!x || !dy || !xv || !dyv || (a.dataFormat ?? 'NHWC') !== 'NHWC') return null;
    const info = convInfo(x.shape as Shape4, a.filterShape, a);
    if (!sameShape(info.outShape, dy.shape)) return null;
    const dw = new Float32Array(sizeOf(a.filterShape));
    addon.conv2dBackpropFilter(xv, dyv, dw, geometry(info));
    return output(backend, [...a.filterShape], dw);
  },
};

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

import { FUSED_LAYER_KERNELS } from '../../gan/layers.js';
import { tf } from '../../gan/tf.js';
import type { NativeAddon } from '../addon.js';
import { conv2dBackpropInput, fusedConv2d } from './conv.js';
import { type CpuBackend, floats, output, UnaryOp } from './support.js';

/**
 * The whole-layer kernels that src/gan/layers.ts runs where the backend has them, with their gradients:
 * conv + bias + leaky ReLU (the discriminator's block), training-mode batch norm + ReLU (the
 * generator's) and transposed conv + bias + tanh (the generator's output). TF.js fuses none of these in a
 * training step: tf.fused.conv2d falls back to separate ops when gradients are recorded and the
 * activation is not ReLU, and it has no fused batch norm with moments at all.
 */

const DOWN = FUSED_LAYER_KERNELS.downConvLeakyRelu;
const DOWN_GRAD = `${DOWN}Grad`;
const NORM = FUSED_LAYER_KERNELS.batchNormRelu;
const NORM_GRAD = `${NORM}Grad`;
const UP_TANH = FUSED_LAYER_KERNELS.upConvTanh;
const UP_TANH_GRAD = `${UP_TANH}Grad`;

interface UpAttrs {
  strides: number;
  pad: 'same' | 'valid';
  inputShape: [number, number, number, number];
}

interface DownAttrs {
  strides: number;
  pad: 'same' | 'valid';
  alpha: number;
}

function values(backend: CpuBackend, t: tf.TensorInfo | undefined, kernel: string): Float32Array {
  const v = floats(backend, t);
  if (!v) throw new Error(`${kernel} expects float32 tensors on the cpu backend, got ${t?.dtype ?? 'none'}`);
  return v;
}

function kernels(addon: NativeAddon): tf.KernelConfig[] {
  return [
    {
      kernelName: DOWN,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { strides, pad, alpha } = attrs as unknown as DownAttrs;
        const result = fusedConv2d.run({
          inputs,
          attrs: { strides, pad, activation: 'leakyrelu', leakyreluAlpha: alpha },
          backend: backend as unknown as CpuBackend,
          addon,
        });
        if (!result)
          throw new Error(`${DOWN} expects float32 NHWC input, a 4-D filter and a bias per channel`);
        return result;
      },
    },
    {
      kernelName: DOWN_GRAD,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const cpu = backend as unknown as CpuBackend;
        const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
        const channels = y.shape.at(-1) ?? 1;
        const dz = new Float32Array(y.shape.reduce((a, b) => a * b, 1));
        const db = new Float32Array(channels);
        addon.biasLeakyReluGrad(
          values(cpu, dy, DOWN_GRAD),
          values(cpu, y, DOWN_GRAD),
          Number(attrs?.alpha),
          dz,
          db,
        );
        return [output(cpu, [...y.shape], dz), output(cpu, [channels], db)];
      },
    },
    {
      kernelName: UP_TANH,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const cpu = backend as unknown as CpuBackend;
        const { strides, pad, inputShape } = attrs as unknown as UpAttrs;
        const result = conv2dBackpropInput.run({
          inputs,
          attrs: { strides, pad, inputShape, dataFormat: 'NHWC' },
          backend: cpu,
          addon,
        });
        if (!result) throw new Error(`${UP_TANH} expects float32 NHWC input and a 4-D filter`);
        const channels = inputShape[3];
        addon.biasActivation(
          values(cpu, result, UP_TANH),
          values(cpu, inputs.bias, UP_TANH),
          channels,
          UnaryOp.Tanh,
          0,
        );
        return result;
      },
    },
    {
      kernelName: UP_TANH_GRAD,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend }) => {
        const cpu = backend as unknown as CpuBackend;
        const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
        const channels = y.shape.at(-1) ?? 1;
        const dz = new Float32Array(y.shape.reduce((a, b) => a * b, 1));
        const db = new Float32Array(channels);
        addon.biasTanhGrad(values(cpu, dy, UP_TANH_GRAD), values(cpu, y, UP_TANH_GRAD), dz, db);
        return [output(cpu, [...y.shape], dz), output(cpu, [channels], db)];
      },
    },
    {
      kernelName: NORM,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const cpu = backend as unknown as CpuBackend;
        const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
        const xv = values(cpu, x, NORM);
        const channels = x?.shape.at(-1) ?? 1;
        const [y, mean, variance] = [xv.length, channels, channels].map((n) => new Float32Array(n)) as [
          Float32Array,
          Float32Array,
          Float32Array,
        ];
        addon.batchNormReluTrain(
          xv,
          values(cpu, gamma, NORM),
          values(cpu, beta, NORM),
          Number(attrs?.varianceEpsilon),
          y,
          mean,
          variance,
        );
        return [
          output(cpu, [...(x as tf.TensorInfo).shape], y),
          output(cpu, [channels], mean),
          output(cpu, [channels], variance),
        ];
      },
    },
    {
      kernelName: NORM_GRAD,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const cpu = backend as unknown as CpuBackend;
        const t = inputs as Record<string, tf.TensorInfo>;
        const v = (name: string) => values(cpu, t[name], NORM_GRAD);
        const xv = v('x');
        const channels = t.x?.shape.at(-1) ?? 1;
        const [dx, dGamma, dBeta] = [xv.length, channels, channels].map((n) => new Float32Array(n)) as [
          Float32Array,
          Float32Array,
          Float32Array,
        ];
        addon.batchNormReluTrainGrad(
          xv,
          v('y'),
          v('dy'),
          v('dMean'),
          v('dVariance'),
          v('mean'),
          v('variance'),
          v('gamma'),
          Number(attrs?.varianceEpsilon),
          dx,
          dGamma,
          dBeta,
        );
        return [
          output(cpu, [...(t.x as tf.TensorInfo).shape], dx),
          output(cpu, [channels], dGamma),
          output(cpu, [channels], dBeta),
        ];
      },
    },
  ];
}

function run(name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap): tf.Tensor[] {
  return tf.engine().runKernel(name, inputs, attrs) as tf.Tensor[];
}

const gradients: tf.GradConfig[] = [
  {
    kernelName: DOWN,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const { strides, pad, alpha } = attrs as unknown as DownAttrs;
      const [dz, db] = run(DOWN_GRAD, { dy: dy as tf.Tensor, y }, { alpha }) as [tf.Tensor, tf.Tensor];
      const conv = { strides, pad, dataFormat: 'NHWC', dilations: 1 };
      const engine = tf.engine();
      return {
        x: () =>
          engine.runKernel('Conv2DBackpropInput', { dy: dz, filter }, { ...conv, inputShape: x.shape }),
        filter: () =>
          engine.runKernel('Conv2DBackpropFilter', { x, dy: dz }, { ...conv, filterShape: filter.shape }),
        bias: () => db,
      };
    },
  },
  {
    // The op is conv2dTranspose: its input is TF.js's "dy" and its output the "dx" of a convolution.
    kernelName: UP_TANH,
    inputsToSave: ['dy', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const { strides, pad } = attrs as unknown as UpAttrs;
      const [dz, db] = run(UP_TANH_GRAD, { dy: dy as tf.Tensor, y }, {}) as [tf.Tensor, tf.Tensor];
      const conv = { strides, pad, dataFormat: 'NHWC', dilations: 1 };
      const engine = tf.engine();
      return {
        dy: () => engine.runKernel('Conv2D', { x: dz, filter }, conv),
        filter: () =>
          engine.runKernel('Conv2DBackpropFilter', { x: dz, dy: x }, { ...conv, filterShape: filter.shape }),
        bias: () => db,
      };
    },
  },
  {
    kernelName: NORM,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [true, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [dy, dMean, dVariance] = dys as [tf.Tensor, tf.Tensor, tf.Tensor];
      const [x, gamma, y, mean, variance] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const [dx, dGamma, dBeta] = run(
        NORM_GRAD,
        { x, y, dy, dMean, dVariance, mean, variance, gamma },
        { varianceEpsilon: Number(attrs.varianceEpsilon) },
      ) as [tf.Tensor, tf.Tensor, tf.Tensor];
      return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
    },
  },
];

/** Registers the layer kernels and their gradients, so src/gan/layers.ts takes the fused path. */
export function enableFusedLayers(addon: NativeAddon): void {
  if (tf.getKernel(DOWN, 'cpu')) return;
  for (const kernel of kernels(addon)) tf.registerKernel(kernel);
  for (const gradient of gradients) tf.registerGradient(gradient);
}

/** Removes them again; src/gan/layers.ts then runs the separate stock ops. */
export function disableFusedLayers(): void {
  if (!tf.getKernel(DOWN, 'cpu')) return;
  for (const name of [DOWN, DOWN_GRAD, NORM, NORM_GRAD, UP_TANH, UP_TANH_GRAD])
    tf.unregisterKernel(name, 'cpu');
  for (const gradient of gradients) tf.unregisterGradient(gradient.kernelName);
}

/** The fused layers' kernel names, for reports. */
export const FUSED_LAYERS = [DOWN, NORM, UP_TANH] as const;

import { tf } from '../../gan/tf.js';
import type { NativeAddon } from '../addon.js';
import { type CpuBackend, floats } from './support.js';

/**
 * Fused gradients for the activations and batch norm that follow every convolution. TF.js builds each
 * from several ops (a leaky ReLU's from greater, select and multiply; batch norm's from about a dozen,
 * with a tile), each allocating a full-size tensor; here each is one kernel and one pass.
 *
 * They are registered as gradients of the stock kernel names, so they apply on every backend: on
 * anything but the cpu backend with float32 inputs they hand over to TF.js's own gradient.
 */

const ACTIVATION_GRAD = 'NightmaskActivationGrad';
const BATCH_NORM_GRAD = 'NightmaskBatchNormGrad';

/** The addon's activation-gradient numbers (src/native/cc/elementwise.h). */
const ActivationGrad = { Relu: 0, LeakyRelu: 1, Tanh: 2 } as const;

function cpuFloat32(...tensors: Array<tf.Tensor | undefined>): boolean {
  return tf.getBackend() === 'cpu' && tensors.every((t) => t === undefined || t.dtype === 'float32');
}

function activationGrad(op: number, dy: tf.Tensor, saved: tf.Tensor, alpha = 0): tf.Tensor {
  return tf.engine().runKernel(ACTIVATION_GRAD, { dy, saved }, { op, alpha }) as tf.Tensor;
}

/** Gradient configs that replace TF.js's for these kernel names, each keeping the original to defer to. */
function gradientConfigs(): tf.GradConfig[] {
  const original = (name: string) => tf.getGradient(name) as tf.GradConfig;
  const relu = original('Relu');
  const leaky = original('LeakyRelu');
  const tanh = original('Tanh');
  const norm = original('FusedBatchNorm');
  return [
    {
      ...relu,
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved as [tf.Tensor];
        if (!cpuFloat32(dy as tf.Tensor, x)) return relu.gradFunc(dy, saved, attrs);
        return { x: () => activationGrad(ActivationGrad.Relu, dy as tf.Tensor, x) };
      },
    },
    {
      ...leaky,
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved as [tf.Tensor];
        if (!cpuFloat32(dy as tf.Tensor, x)) return leaky.gradFunc(dy, saved, attrs);
        return { x: () => activationGrad(ActivationGrad.LeakyRelu, dy as tf.Tensor, x, Number(attrs.alpha)) };
      },
    },
    {
      ...tanh,
      gradFunc: (dy, saved, attrs) => {
        const [y] = saved as [tf.Tensor];
        if (!cpuFloat32(dy as tf.Tensor, y)) return tanh.gradFunc(dy, saved, attrs);
        return { x: () => activationGrad(ActivationGrad.Tanh, dy as tf.Tensor, y) };
      },
    },
    {
      ...norm,
      gradFunc: (dy, saved, attrs) => {
        const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        const c = x.shape.at(-1);
        const perChannel = (t: tf.Tensor | undefined) => t === undefined || (t.rank === 1 && t.size === c);
        if (
          !cpuFloat32(dy as tf.Tensor, x, mean, variance, scale) ||
          ![mean, variance, scale].every(perChannel)
        ) {
          return norm.gradFunc(dy, saved, attrs);
        }
        const g = dy as tf.Tensor;
        const inputs: tf.NamedTensorMap = scale
          ? { x, dy: g, mean, variance, scale }
          : { x, dy: g, mean, variance };
        const [dx, dMean, dVariance, dScale, dOffset] = tf.engine().runKernel(BATCH_NORM_GRAD, inputs, {
          varianceEpsilon: Number(attrs.varianceEpsilon ?? 0.001),
        }) as tf.Tensor[];
        return {
          x: () => dx as tf.Tensor,
          mean: () => dMean as tf.Tensor,
          variance: () => dVariance as tf.Tensor,
          scale: () => dScale as tf.Tensor,
          offset: () => dOffset as tf.Tensor,
        };
      },
    },
  ];
}

function gradientKernels(addon: NativeAddon): tf.KernelConfig[] {
  const values = (backend: CpuBackend, t: tf.TensorInfo | undefined) => {
    const v = floats(backend, t);
    if (!v) throw new Error(`${ACTIVATION_GRAD} expects float32 tensors on the cpu backend`);
    return v;
  };
  return [
    {
      kernelName: ACTIVATION_GRAD,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const cpu = backend as unknown as CpuBackend;
        const { dy, saved } = inputs as { dy: tf.TensorInfo; saved: tf.TensorInfo };
        const dx = new Float32Array(values(cpu, dy).length);
        addon.activationGrad(
          Number(attrs?.op),
          values(cpu, dy),
          values(cpu, saved),
          dx,
          Number(attrs?.alpha),
        );
        return cpu.makeTensorInfo([...dy.shape], 'float32', dx);
      },
    },
    {
      kernelName: BATCH_NORM_GRAD,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const cpu = backend as unknown as CpuBackend;
        const { x, dy, mean, variance, scale } = inputs as Record<string, tf.TensorInfo>;
        const xv = values(cpu, x);
        const c = values(cpu, mean).length;
        const out = [new Float32Array(xv.length), ...Array.from({ length: 4 }, () => new Float32Array(c))];
        const [dx, dMean, dVariance, dScale, dOffset] = out as [
          Float32Array,
          Float32Array,
          Float32Array,
          Float32Array,
          Float32Array,
        ];
        addon.batchNormGrad(
          xv,
          values(cpu, dy),
          values(cpu, mean),
          values(cpu, variance),
          scale ? values(cpu, scale) : null,
          Number(attrs?.varianceEpsilon),
          dx,
          dMean,
          dVariance,
          dScale,
          dOffset,
        );
        return out.map((v, i) =>
          cpu.makeTensorInfo(i === 0 ? [...(x as tf.TensorInfo).shape] : [c], 'float32', v),
        );
      },
    },
  ];
}

const replaced: tf.GradConfig[] = [];

/** Registers the fused gradients and their kernels; the stock gradients are kept to restore. */
export function enableFusedGradients(addon: NativeAddon): void {
  if (replaced.length > 0) return;
  for (const config of gradientConfigs()) {
    replaced.push(tf.getGradient(config.kernelName) as tf.GradConfig);
    tf.registerGradient(config);
  }
  for (const kernel of gradientKernels(addon)) tf.registerKernel(kernel);
}

/** Puts TF.js's own gradients back. */
export function disableFusedGradients(): void {
  if (replaced.length === 0) return;
  for (const config of replaced.splice(0)) tf.registerGradient(config);
  tf.unregisterKernel(ACTIVATION_GRAD, 'cpu');
  tf.unregisterKernel(BATCH_NORM_GRAD, 'cpu');
}

/** The kernel names whose gradients are fused, for reports. */
export const FUSED_GRADIENTS = ['Relu', 'LeakyRelu', 'Tanh', 'FusedBatchNorm'] as const;

import { tf } from '../gan/tf.js';

/**
 * Repairs to TF.js 4.22's WebGPU kernels, registered over its own when WebGPU is chosen.
 *
 * AddN binds every input as a storage buffer of one shader, and WebGPU allows only
 * `maxStorageBuffersPerShaderStage` of those (8 by default, 16 on lavapipe). Past that the pipeline
 * is invalid and the sum is never computed: the device reports a validation error and the result
 * holds whatever its buffer held. TF.js's Concat splits its inputs to stay under the limit; AddN
 * does not, so this sums in groups that fit and then sums the groups.
 */
interface WebGpuBackendLike {
  device: { limits: { maxStorageBuffersPerShaderStage: number } };
  disposeData(dataId: object): boolean;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

let patched = false;

function groupedAddN(args: KernelArgs, addN: tf.KernelFunc): tf.TensorInfo {
  const inputs = Object.values(args.inputs) as tf.TensorInfo[];
  const backend = args.backend as unknown as WebGpuBackendLike;
  // One storage buffer is the output.
  const most = Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1);
  if (inputs.length <= most) return addN(args) as tf.TensorInfo;

  const partial: tf.TensorInfo[] = [];
  for (let i = 0; i < inputs.length; i += most) {
    partial.push(
      addN({
        ...args,
        inputs: inputs.slice(i, i + most) as unknown as tf.NamedTensorInfoMap,
      }) as tf.TensorInfo,
    );
  }
  const sum = groupedAddN({ ...args, inputs: partial as unknown as tf.NamedTensorInfoMap }, addN);
  for (const p of partial) backend.disposeData(p.dataId);
  return sum;
}

/** Registers the repaired kernels over the webgpu backend's; once per process. */
export function patchWebGpuKernels(): void {
  if (patched) return;
  const addN = tf.getKernel('AddN', 'webgpu');
  if (!addN)
    throw new Error(
      "TF.js's WebGPU backend has no AddN kernel: is @tensorflow/tfjs-backend-webgpu 4.22 loaded?",
    );
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({ ...addN, kernelFunc: (args) => groupedAddN(args, addN.kernelFunc) });
  patched = true;
}

import { availableParallelism } from 'node:os';
import { setFusedAdamStep } from '../gan/adam.js';
import { tf } from '../gan/tf.js';
import { nativeAdamStep } from './adam.js';
import { type AddonLoad, loadAddon, type NativeAddon } from './addon.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput, fusedConv2d } from './kernels/conv.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { disableFusedGradients, enableFusedGradients } from './kernels/gradients.js';
import { disableFusedLayers, enableFusedLayers } from './kernels/layers.js';
import { batchMatMul, fusedMatMul } from './kernels/matmul.js';
import { fusedBatchNorm } from './kernels/norm.js';
import { reduceKernels } from './kernels/reduce.js';
import type { CpuBackend, NativeKernel } from './kernels/support.js';

/** Every kernel the addon can take over from the cpu backend. */
export const NATIVE_KERNELS: readonly NativeKernel[] = Object.freeze([
  conv2d,
  fusedConv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
  batchMatMul,
  fusedMatMul,
  fusedBatchNorm,
  ...elementwiseKernels,
  ...reduceKernels,
]);

/** Calls per kernel since registration: how often the native path ran and how often it fell back. */
export const kernelCalls = new Map<string, { native: number; stock: number }>();

/** The stock kernels replaced, kept to fall back on and to restore. */
const stock = new Map<string, tf.KernelConfig>();

/** What is registered now, for `nightmask doctor` and the start-up log. */
export interface NativeStatus {
  enabled: boolean;
  blas?: string;
  threads?: number;
  /** Whether the C allocator keeps freed memory for the next step (see NativeAddon.retainFreedMemory). */
  retainsFreedMemory?: boolean;
  kernels: string[];
  reason?: string;
}

let status: NativeStatus = { enabled: false, kernels: [] };
// Set once per process: disabling the kernels does not undo it, as the memory kept is only reused.
let retainsFreedMemory: boolean | undefined;

/**
 * Threads when nothing says otherwise: every core the process may use, since a training step keeps them
 * busy one kernel at a time and the BLAS is the only thing that spawns threads.
 */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * Registers the native kernels over the cpu backend's, keeping each stock kernel to fall back on for
 * cases the native one does not cover. Calling it again only changes the thread count.
 */
export function enableNativeKernels(options: { threads?: number; load?: AddonLoad } = {}): NativeStatus {
  const load = options.load ?? loadAddon();
  if (!load.ok) {
    status = { enabled: false, kernels: [], reason: load.reason };
    return status;
  }
  const { addon } = load;
  const threads = options.threads ?? defaultThreads();
  addon.setThreads(threads);
  if (!status.enabled) {
    retainsFreedMemory ??= addon.retainFreedMemory();
    for (const kernel of NATIVE_KERNELS) register(kernel, addon);
    setFusedAdamStep(nativeAdamStep(addon));
    enableFusedGradients(addon);
    enableFusedLayers(addon);
  }
  const kernels = [...stock.keys()];
  status = {
    enabled: true,
    blas: addon.info().blas,
    threads,
    retainsFreedMemory: retainsFreedMemory ?? false,
    kernels,
  };
  return status;
}

/** Puts the stock kernels back. */
export function disableNativeKernels(): void {
  for (const [name, config] of stock) {
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel(config);
  }
  stock.clear();
  setFusedAdamStep(null);
  disableFusedGradients();
  disableFusedLayers();
  status = { enabled: false, kernels: [] };
}

export function nativeStatus(): NativeStatus {
  return status;
}

function register(kernel: NativeKernel, addon: NativeAddon): void {
  const original = tf.getKernel(kernel.kernelName, 'cpu');
  // A TF.js without this kernel on cpu has nothing to fall back on; leave it alone.
  if (!original) return;
  const calls = { native: 0, stock: 0 };
  kernelCalls.set(kernel.kernelName, calls);
  const kernelFunc: tf.KernelFunc = (args) => {
    const result = kernel.run({
      inputs: args.inputs,
      attrs: args.attrs ?? {},
      backend: args.backend as unknown as CpuBackend,
      addon,
    });
    if (result) {
      calls.native += 1;
      return result;
    }
    calls.stock += 1;
    return original.kernelFunc(args);
  };
  stock.set(kernel.kernelName, original);
  tf.unregisterKernel(kernel.kernelName, 'cpu');
  tf.registerKernel({ ...original, kernelFunc });
}

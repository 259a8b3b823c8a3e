import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../util/package-info.js';

/**
 * The functions the C++ addon exports (src/native/cc/addon.cc). Every buffer is the caller's own typed
 * array, read or written in place; shapes are checked on this side, where TF.js's semantics live.
 */
export interface NativeAddon {
  matmul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    batch: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    batchStrideA: number,
    batchStrideB: number,
    portable: boolean,
  ): void;
  conv2d(x: Float32Array, filter: Float32Array, y: Float32Array, geometry: Int32Array): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: Int32Array): void;
  biasActivation(
    y: Float32Array,
    bias: Float32Array | null,
    channels: number,
    activation: number,
    alpha: number,
  ): void;
  binary(
    op: number,
    a: Float32Array,
    b: Float32Array,
    out: Float32Array | Uint8Array,
    shape: Int32Array,
    stridesA: Int32Array,
    stridesB: Int32Array,
  ): void;
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number): void;
  select(condition: Uint8Array, a: Float32Array, b: Float32Array, out: Float32Array): void;
  tile(x: Float32Array, out: Float32Array, shape: Int32Array, reps: Int32Array): void;
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, size: number, inner: number): void;
  batchNorm(
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    offset: Float32Array | null,
    scale: Float32Array | null,
    out: Float32Array,
    channels: number,
    epsilon: number,
  ): void;
  activationGrad(op: number, dy: Float32Array, saved: Float32Array, dx: Float32Array, alpha: number): void;
  batchNormGrad(
    x: Float32Array,
    dy: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    scale: Float32Array | null,
    epsilon: number,
    dx: Float32Array,
    dMean: Float32Array,
    dVariance: Float32Array,
    dScale: Float32Array,
    dOffset: Float32Array,
  ): void;
  biasLeakyReluGrad(
    dy: Float32Array,
    y: Float32Array,
    alpha: number,
    dz: Float32Array,
    db: Float32Array,
  ): void;
  biasTanhGrad(dy: Float32Array, y: Float32Array, dz: Float32Array, db: Float32Array): void;
  batchNormReluTrain(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    epsilon: number,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
  ): void;
  batchNormReluTrainGrad(
    x: Float32Array,
    y: Float32Array,
    dy: Float32Array,
    dMean: Float32Array,
    dVariance: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    gamma: Float32Array,
    epsilon: number,
    dx: Float32Array,
    dGamma: Float32Array,
    dBeta: Float32Array,
  ): void;
  adam(
    p: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    beta1: number,
    beta2: number,
    stepSize: number,
    vScale: number,
    epsilon: number,
  ): void;
  setThreads(threads: number): void;
  /**
   * Asks the C allocator to keep freed memory for reuse rather than return it to the system, so a
   * training step's large buffers are not page-faulted in afresh every step. Process-wide; false where
   * the allocator is not glibc's.
   */
  retainFreedMemory(): boolean;
  /**
   * Which matrix product runs where a BLAS library was found: 0 the faster of the library and the
   * built-in one, measured once per thread count (the default); 1 the library; 2 the built-in one.
   */
  chooseGemm(choice: 0 | 1 | 2): void;
  /** The product in use and why (`blas`), whether it is the library's, and the thread count. */
  info(): { blas: string; threads: number; library: boolean };
}

/** The addon, or why it is not there; loading is attempted once per process. */
export type AddonLoad = { ok: true; addon: NativeAddon; path: string } | { ok: false; reason: string };

/** Where `npm install` (src/native/build-addon.mjs) leaves the compiled addon. */
export const addonPath = join(packageRoot, 'build', 'Release', 'nightmask_native.node');

/** What a user runs to get the native kernels; printed wherever they are reported missing. */
export const NATIVE_HOW_TO =
  'apt-get install -y g++ make python3 libopenblas0-pthread, then npm rebuild in the nightmask folder';

const loads = new Map<string, AddonLoad>();

/**
 * Loads the addon, once per path. A missing or broken build is an expected state on machines without a
 * compiler, so it comes back as a reason rather than an exception. Tests pass another path to see what
 * a machine without the build gets.
 */
export function loadAddon(path: string = addonPath): AddonLoad {
  const known = loads.get(path);
  if (known) return known;
  let load: AddonLoad;
  if (!existsSync(path)) {
    load = { ok: false, reason: `the native addon was not built (no ${path})` };
  } else {
    try {
      load = { ok: true, addon: createRequire(import.meta.url)(path) as NativeAddon, path };
    } catch (err) {
      load = {
        ok: false,
        reason: `the native addon does not load: ${(err as Error).message.split('\n')[0]}`,
      };
    }
  }
  loads.set(path, load);
  return load;
}

import { createRequire } from 'node:module';
import { tf } from '../gan/tf.js';
import type { Logger } from '../log/logger.js';
import { loadAddon, NATIVE_HOW_TO } from '../native/addon.js';
import { FUSED_GRADIENTS } from '../native/kernels/gradients.js';
import { FUSED_LAYERS } from '../native/kernels/layers.js';
import { disableNativeKernels, enableNativeKernels, NATIVE_KERNELS } from '../native/register.js';

/** `native` is TF.js's cpu backend with this package's C++ kernels registered over its hot kernels. */
export type BackendName = 'tensorflow' | 'native' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

/** What was found out about one candidate, for logs and `nightmask doctor`. */
export interface CandidateReport {
  name: BackendName;
  available: boolean;
  /** Why it is or is not usable, and what would fix it. */
  reason: string;
  device?: string;
  /** For `native`: the kernels it replaces; every other kernel stays TF.js's own. */
  kernels?: string[];
  /** For `native`: the BLAS library behind its matrix products. */
  blas?: string;
}

export interface BackendChoice {
  name: BackendName;
  device: string;
  /** True when the backend runs on a GPU. */
  gpu: boolean;
  candidates: CandidateReport[];
}

/**
 * The order in which backends are tried by `auto`. The one place that decides what trains:
 * a healthy tfjs-node-gpu (really on a GPU), else the native CPU kernels, else the pure-JS `cpu` backend.
 */
export const BACKEND_ORDER: readonly BackendName[] = Object.freeze(['tensorflow', 'native', 'cpu']);

const require = createRequire(import.meta.url);

/**
 * Loads `@tensorflow/tfjs-node-gpu` if it is installed and working. It is an optional dependency:
 * npm skips it quietly when its libtensorflow download fails, which is the usual case today.
 * When it loads but finds no GPU (libcudnn missing, no driver), it would silently train on its CPU
 * build; that is reported as unavailable unless asked for by name.
 */
function probeTensorflow(forced: boolean): CandidateReport {
  try {
    require.resolve('@tensorflow/tfjs-node-gpu');
  } catch {
    return {
      name: 'tensorflow',
      available: false,
      reason:
        '@tensorflow/tfjs-node-gpu is not installed (its install script downloads libtensorflow, ' +
        'which fails on most machines today); install it on a CUDA 11.2 / cuDNN 8.1 host to use it',
    };
  }
  try {
    require('@tensorflow/tfjs-node-gpu');
  } catch (err) {
    const reason = `@tensorflow/tfjs-node-gpu is installed but does not load: ${(err as Error).message.split('\n')[0]}`;
    return { name: 'tensorflow', available: false, reason };
  }
  const backend = tf.findBackend('tensorflow') as { isUsingGpuDevice?: boolean } | null;
  if (!backend?.isUsingGpuDevice && !forced) {
    return {
      name: 'tensorflow',
      available: false,
      reason: 'tfjs-node-gpu loaded but found no GPU (is libcudnn.so.8 on the library path?); skipped',
    };
  }
  const device = backend?.isUsingGpuDevice ? 'CUDA GPU (libtensorflow)' : 'CPU (libtensorflow)';
  return { name: 'tensorflow', available: true, reason: 'tfjs-node-gpu loaded', device };
}

/** Loads the addon (without registering anything) to see whether the native kernels can run here. */
function probeNative(): CandidateReport {
  const load = loadAddon();
  if (!load.ok) {
    return { name: 'native', available: false, reason: `${load.reason}; to get them: ${NATIVE_HOW_TO}` };
  }
  const blas = load.addon.info().blas;
  const kernels = NATIVE_KERNELS.map((k) => k.kernelName);
  return {
    name: 'native',
    available: true,
    reason:
      `C++ kernels over the cpu backend for ${kernels.join(', ')}; fused gradients for ` +
      `${FUSED_GRADIENTS.join(', ')}; fused layers ${FUSED_LAYERS.join(', ')}; a fused Adam update; ` +
      'any other kernel, dtype or layout stays stock',
    device: `CPU (native kernels, ${blas})`,
    kernels,
    blas,
  };
}

function probeCpu(): CandidateReport {
  return {
    name: 'cpu',
    available: true,
    reason:
      'pure-JavaScript kernels: always available, and slow (the default 32 px model takes several seconds a step)',
    device: 'CPU (JavaScript, one thread)',
  };
}

/** Reports every candidate without activating any; `nightmask doctor` prints this. */
export function probeBackends(preference: BackendPreference = 'auto'): CandidateReport[] {
  return BACKEND_ORDER.map((name) => {
    if (name === 'tensorflow') return probeTensorflow(preference === name);
    return name === 'native' ? probeNative() : probeCpu();
  });
}

/**
 * Chooses, activates and announces the backend. A preference for a backend that is unavailable
 * stops with the reason rather than quietly training somewhere else. `threads` sets how many threads
 * the native kernels' BLAS uses (default: every core this process may use).
 */
export async function selectBackend(
  preference: BackendPreference,
  logger: Logger,
  role: 'training' | 'generating' = 'training',
  options: { threads?: number } = {},
): Promise<BackendChoice> {
  const candidates = probeBackends(preference);
  const pick =
    preference === 'auto'
      ? candidates.find((c) => c.available)
      : candidates.find((c) => c.name === preference && c.available);
  if (!pick) {
    const wanted = candidates.find((c) => c.name === preference);
    throw new Error(`NIGHTMASK_BACKEND=${preference} cannot be used: ${wanted?.reason ?? 'unknown backend'}`);
  }

  // native is the cpu backend with kernels swapped in; plain cpu gets the stock kernels back.
  const engineName = pick.name === 'native' ? 'cpu' : pick.name;
  if (!(await tf.setBackend(engineName)))
    throw new Error(`TF.js could not initialise the '${engineName}' backend`);
  await tf.ready();
  let device = pick.device ?? 'unknown';
  if (pick.name === 'native') {
    const native = enableNativeKernels(options.threads === undefined ? {} : { threads: options.threads });
    device = `CPU (native kernels, ${native.blas}, ${native.threads} threads)`;
  } else if (engineName === 'cpu') {
    disableNativeKernels();
  }
  if (engineName === 'cpu') {
    // The cpu backend prints a banner recommending tfjs-node on first use; we log our own line instead.
    (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  }

  const native = candidates.find((c) => c.name === 'native');
  if (pick.name === 'cpu' && native && !native.available) {
    logger.warn(
      { reason: native.reason },
      `native CPU kernels are off, so ${role} is slow: ${native.reason}`,
    );
  }

  const choice: BackendChoice = {
    name: pick.name,
    device,
    gpu: pick.device?.includes('GPU') ?? false,
    candidates,
  };
  const skipped = candidates.filter((c) => c !== pick).map((c) => ({ backend: c.name, reason: c.reason }));
  // Said at start in every mode; a warning only when it is the slow fallback (above).
  logger.info(
    { backend: choice.name, device: choice.device, skipped },
    `${role} on ${choice.name}: ${choice.device}`,
  );
  return choice;
}

/**
 * Model size that suits a backend when the config says 'auto'. The stock cpu backend needs about a
 * minute per 16-image step at 32 px and width 32, so it gets a narrow 32 px model that shows progress
 * within minutes; anything faster (the native kernels: about a second per 32-image step at 64 px on one
 * core) gets the 64 px DCGAN of the reference benchmark.
 */
export function defaultModelSize(choice: Pick<BackendChoice, 'name' | 'gpu'>): {
  sizePx: 32 | 64;
  width: number;
  batchSize: number;
} {
  if (choice.name === 'cpu') return { sizePx: 32, width: 16, batchSize: 16 };
  return { sizePx: 64, width: 64, batchSize: 32 };
}

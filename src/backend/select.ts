import { createRequire } from 'node:module';
import { tf } from '../gan/tf.js';
import type { Logger } from '../log/logger.js';

export type BackendName = 'tensorflow' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

/** What was found out about one candidate, for logs and `nightmask doctor`. */
export interface CandidateReport {
  name: BackendName;
  available: boolean;
  /** Why it is or is not usable, and what would fix it. */
  reason: string;
  device?: string;
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
 * a healthy tfjs-node-gpu (really on a GPU), else the pure-JS `cpu` backend.
 */
export const BACKEND_ORDER: readonly BackendName[] = Object.freeze(['tensorflow', 'cpu']);

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

function probeCpu(): CandidateReport {
  return {
    name: 'cpu',
    available: true,
    reason: 'pure-JavaScript kernels: always available, and slow (about a minute per 16-image step at 32 px)',
    device: 'CPU (JavaScript, one thread)',
  };
}

/** Reports every candidate without activating any; `nightmask doctor` prints this. */
export function probeBackends(preference: BackendPreference = 'auto'): CandidateReport[] {
  return BACKEND_ORDER.map((name) =>
    name === 'tensorflow' ? probeTensorflow(preference === name) : probeCpu(),
  );
}

/**
 * Chooses, activates and announces the backend. A preference for a backend that is unavailable
 * stops with the reason rather than quietly training somewhere else.
 */
export async function selectBackend(
  preference: BackendPreference,
  logger: Logger,
  role: 'training' | 'generating' = 'training',
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

  if (!(await tf.setBackend(pick.name)))
    throw new Error(`TF.js could not initialise the '${pick.name}' backend`);
  await tf.ready();
  if (pick.name === 'cpu') {
    // The cpu backend prints a banner recommending tfjs-node on first use; we log our own line instead.
    (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  }

  const choice: BackendChoice = {
    name: pick.name,
    device: pick.device ?? 'unknown',
    gpu: pick.device?.includes('GPU') ?? false,
    candidates,
  };
  const skipped = candidates.filter((c) => c !== pick).map((c) => ({ backend: c.name, reason: c.reason }));
  logger.warn(
    { backend: choice.name, device: choice.device, skipped },
    `${role} on ${choice.name}: ${choice.device}`,
  );
  return choice;
}

/**
 * Model size that suits a backend when the config says 'auto'. The stock cpu backend needs about a
 * minute per 16-image step at 32 px and width 32, so it gets a narrow 32 px model that shows progress
 * within minutes; anything faster gets the 64 px DCGAN of the reference benchmark.
 */
export function defaultModelSize(choice: Pick<BackendChoice, 'name' | 'gpu'>): {
  sizePx: 32 | 64;
  width: number;
  batchSize: number;
} {
  if (choice.name === 'cpu') return { sizePx: 32, width: 16, batchSize: 16 };
  return { sizePx: 64, width: 64, batchSize: 32 };
}

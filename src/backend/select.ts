import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tf } from '../gan/tf.js';
import type { Logger } from '../log/logger.js';
import { loadAddon, NATIVE_HOW_TO } from '../native/addon.js';
import { FUSED_GRADIENTS } from '../native/kernels/gradients.js';
import { FUSED_LAYERS } from '../native/kernels/layers.js';
import { disableNativeKernels, enableNativeKernels, NATIVE_KERNELS } from '../native/register.js';
import { BACKEND_NAMES, type BackendName, type BackendPreference } from './names.js';
import { inspectVulkan, vulkanFixes } from './vulkan.js';
import {
  activateWebGpu,
  adapterName,
  type GpuAdapterSummary,
  probeWebGpu,
  type WebGpuProbe,
} from './webgpu.js';

export type { BackendName, BackendPreference } from './names.js';

/** What was found out about one candidate, for logs and `nightmask doctor`. */
export interface CandidateReport {
  name: BackendName;
  available: boolean;
  /** Why it is or is not usable. */
  reason: string;
  /** What would make it usable (or, for a usable one, faster), when something would. */
  fix?: string;
  device?: string;
  /** True when it would run on a GPU. */
  gpu?: boolean;
  /** For `webgpu`: the adapter Dawn offered, usable or not. */
  adapter?: GpuAdapterSummary;
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
 * The order in which `auto` tries backends, and the one place that decides what trains: a healthy
 * tfjs-node-gpu (really on a GPU), else WebGPU on a hardware adapter, else the native CPU kernels,
 * else the pure-JS `cpu` backend.
 */
export const BACKEND_ORDER: readonly BackendName[] = BACKEND_NAMES;

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
        '@tensorflow/tfjs-node-gpu is not installed (its install script downloads libtensorflow, which ' +
        'fails on most machines today)',
      fix: 'not needed where WebGPU works; otherwise install it on a CUDA 11.2 / cuDNN 8.1 host',
    };
  }
  try {
    require('@tensorflow/tfjs-node-gpu');
  } catch (err) {
    return {
      name: 'tensorflow',
      available: false,
      reason: `@tensorflow/tfjs-node-gpu is installed but does not load: ${(err as Error).message.split('\n')[0]}`,
      fix: 'npm rebuild @tensorflow/tfjs-node-gpu, or remove it and use WebGPU',
    };
  }
  const backend = tf.findBackend('tensorflow') as { isUsingGpuDevice?: boolean } | null;
  const onGpu = backend?.isUsingGpuDevice === true;
  if (!onGpu && !forced) {
    return {
      name: 'tensorflow',
      available: false,
      reason: 'tfjs-node-gpu loaded but found no GPU, so it would train on its CPU build; skipped',
      fix: 'put CUDA 11.2 and libcudnn.so.8 on the library path (LD_LIBRARY_PATH)',
    };
  }
  return {
    name: 'tensorflow',
    available: true,
    reason: 'tfjs-node-gpu loaded',
    device: onGpu ? 'GPU: CUDA (libtensorflow)' : 'CPU (libtensorflow)',
    gpu: onGpu,
  };
}

/** The graphics API Dawn drives on this platform. */
const DAWN_API = process.platform === 'darwin' ? 'Metal' : process.platform === 'win32' ? 'D3D12' : 'Vulkan';

/**
 * Turns Dawn's answer into a candidate. A software adapter counts as a CPU: on the CPU the native
 * kernels are much faster, so it is used only when asked for by name (NIGHTMASK_BACKEND=webgpu).
 * `fixes` are what the machine's Vulkan setup lacks, used when Dawn's answer names no fix itself.
 */
export function webGpuCandidate(
  probe: WebGpuProbe | undefined,
  forced: boolean,
  fixes: string[],
): CandidateReport {
  const hardwareFix =
    fixes.join('; ') ||
    "a GPU needs its driver and the driver's Vulkan part installed (nightmask doctor lists them)";
  if (probe === undefined) {
    return {
      name: 'webgpu',
      available: false,
      reason: 'not probed here: asking Dawn for an adapter is asynchronous (see nightmask doctor)',
    };
  }
  if (!probe.ok) {
    return { name: 'webgpu', available: false, reason: probe.reason, fix: probe.fix ?? hardwareFix };
  }
  const name = adapterName(probe.adapter);
  if (probe.adapter.software && !forced) {
    return {
      name: 'webgpu',
      available: false,
      reason: `only a software adapter was found (${name}): it runs on the CPU, slower than the native kernels`,
      fix: `${hardwareFix}; or NIGHTMASK_BACKEND=webgpu to train on the software adapter anyway`,
      adapter: probe.adapter,
      gpu: false,
    };
  }
  return {
    name: 'webgpu',
    available: true,
    reason: probe.adapter.software
      ? `Dawn's software adapter, as asked for: WebGPU run on the CPU`
      : `Dawn on a hardware adapter via ${DAWN_API}`,
    device: probe.adapter.software ? `CPU: ${name} (software ${DAWN_API})` : `GPU: ${name} (${DAWN_API})`,
    gpu: !probe.adapter.software,
    adapter: probe.adapter,
  };
}

async function probeWebGpuCandidate(forced: boolean): Promise<CandidateReport> {
  // A Linux GPU shows up as a render node or an NVIDIA device. Without either, Dawn could only offer a
  // software adapter, which auto skips anyway; not starting it spares its memory and its stderr lines.
  if (!forced && process.platform === 'linux' && !gpuDevicePresent()) {
    return {
      name: 'webgpu',
      available: false,
      reason: 'no GPU device on this machine (no /dev/dri/renderD* or /dev/nvidia*), so no hardware adapter',
      fix: "a GPU needs its kernel driver loaded (in a container, pass the device through); NIGHTMASK_BACKEND=webgpu tries Dawn's software adapter anyway",
      gpu: false,
    };
  }
  const probe = await probeWebGpu();
  const needsFixes = !probe.ok ? probe.fix === undefined : probe.adapter.software;
  const fixes = needsFixes ? vulkanFixes(await inspectVulkan()) : [];
  return webGpuCandidate(probe, forced, fixes);
}

/** Loads the addon (without registering anything) to see whether the native kernels can run here. */
function probeNative(): CandidateReport {
  const load = loadAddon();
  if (!load.ok) return { name: 'native', available: false, reason: load.reason, fix: NATIVE_HOW_TO };
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
    gpu: false,
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
    gpu: false,
  };
}

async function probeOne(name: BackendName, forced: boolean): Promise<CandidateReport> {
  if (name === 'tensorflow') return probeTensorflow(forced);
  if (name === 'webgpu') return probeWebGpuCandidate(forced);
  return name === 'native' ? probeNative() : probeCpu();
}

/** Reports every candidate without activating any; `nightmask doctor` prints this. */
export async function probeAllBackends(preference: BackendPreference = 'auto'): Promise<CandidateReport[]> {
  const reports: CandidateReport[] = [];
  for (const name of BACKEND_ORDER) reports.push(await probeOne(name, preference === name));
  return reports;
}

/**
 * The candidates selectBackend looks at: for `auto`, each in order up to the first usable one (so a
 * host with tfjs-node-gpu never starts Dawn too); for a named backend, that one only.
 */
async function probeForChoice(preference: BackendPreference): Promise<CandidateReport[]> {
  if (preference !== 'auto') return [await probeOne(preference, true)];
  const reports: CandidateReport[] = [];
  for (const name of BACKEND_ORDER) {
    const report = await probeOne(name, false);
    reports.push(report);
    if (report.available) break;
  }
  return reports;
}

/** Whether the kernel offers any GPU to user space: a DRM render node or an NVIDIA device. */
function gpuDevicePresent(): boolean {
  if (nvidiaGpuPresent()) return true;
  try {
    return readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  } catch {
    return false;
  }
}

/** Whether this machine has an NVIDIA GPU whose kernel driver is loaded. */
function nvidiaGpuPresent(): boolean {
  return existsSync('/proc/driver/nvidia/version') || existsSync('/dev/nvidia0');
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
  const candidates = await probeForChoice(preference);
  const pick = candidates.find((c) => c.available);
  if (!pick) {
    const wanted = candidates.find((c) => c.name === preference);
    const fix = wanted?.fix ? ` To fix: ${wanted.fix}.` : '';
    throw new Error(
      `NIGHTMASK_BACKEND=${preference} cannot be used: ${wanted?.reason ?? 'unknown backend'}.${fix}`,
    );
  }

  // The native kernels replace cpu kernels and some gradients for every backend; only `native` keeps them.
  if (pick.name !== 'native') disableNativeKernels();
  let device = pick.device ?? 'unknown';
  if (pick.name === 'webgpu') {
    const probe = await probeWebGpu();
    if (!probe.ok) throw new Error(`WebGPU went away between probe and start: ${probe.reason}`);
    await activateWebGpu(probe, logger);
  } else {
    // native is the cpu backend with kernels swapped in; plain cpu gets the stock kernels back.
    const engineName = pick.name === 'native' ? 'cpu' : pick.name;
    if (!(await tf.setBackend(engineName)))
      throw new Error(`TF.js could not initialise the '${engineName}' backend`);
    if (engineName === 'cpu') {
      // The cpu backend prints a banner recommending tfjs-node on first use; we log our own line instead.
      (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
    }
  }
  await tf.ready();
  if (pick.name === 'native') {
    const native = enableNativeKernels(options.threads === undefined ? {} : { threads: options.threads });
    device = `CPU (native kernels, ${native.blas}, ${native.threads} threads)`;
  }

  const choice: BackendChoice = { name: pick.name, device, gpu: pick.gpu === true, candidates };
  const skipped = candidates
    .filter((c) => c !== pick)
    .map((c) => ({ backend: c.name, reason: c.reason, ...(c.fix !== undefined && { fix: c.fix }) }));
  logger.info(
    { backend: choice.name, device: choice.device, gpu: choice.gpu, skipped },
    `${role} on ${choice.name}: ${device}`,
  );

  // Said loudly when a GPU is here but unused, or when the work falls to the slowest backend.
  if (!choice.gpu && preference === 'auto' && nvidiaGpuPresent()) {
    const gpuPaths = candidates.filter((c) => c.name === 'tensorflow' || c.name === 'webgpu');
    logger.warn(
      { skipped: gpuPaths.map((c) => ({ backend: c.name, reason: c.reason, fix: c.fix })) },
      `an NVIDIA GPU is present but ${role} runs on the CPU: ${gpuPaths.map((c) => `${c.name}: ${c.reason}`).join('; ')}`,
    );
  }
  const native = candidates.find((c) => c.name === 'native');
  if (pick.name === 'cpu' && native && !native.available) {
    logger.warn(
      { reason: native.reason, fix: native.fix },
      `native CPU kernels are off, so ${role} is slow: ${native.reason}; to fix: ${native.fix}`,
    );
  }
  return choice;
}

/**
 * Model size that suits a backend when the config says 'auto'. The stock cpu backend needs about a
 * minute per 16-image step at 32 px and width 32, and WebGPU on a software adapter is no faster, so
 * they get a narrow 32 px model that shows progress within minutes; anything faster gets the 64 px
 * DCGAN of the reference benchmark (the native kernels: about a second per 32-image step on one core),
 * with a batch of 64 on a GPU, whose time per step hardly grows with the batch.
 */
export function defaultModelSize(choice: Pick<BackendChoice, 'name' | 'gpu'>): {
  sizePx: 32 | 64;
  width: number;
  batchSize: number;
} {
  if (choice.name === 'cpu' || (choice.name === 'webgpu' && !choice.gpu)) {
    return { sizePx: 32, width: 16, batchSize: 16 };
  }
  // On CPU cores, many small steps beat fewer wide ones for the same minutes: after 12 minutes on
  // one core, width 32 with batch 16 scored KID 0.086, batch 32 0.113, width 48 0.106, width 64 0.165.
  if (!choice.gpu) return { sizePx: 64, width: 32, batchSize: 16 };
  return { sizePx: 64, width: 64, batchSize: 64 };
}

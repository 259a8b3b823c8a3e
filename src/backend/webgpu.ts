import { tf } from '../gan/tf.js';
import type { Logger } from '../log/logger.js';
import { patchWebGpuKernels } from './webgpu-kernels.js';

/**
 * TF.js's WebGPU backend on Dawn, Chrome's WebGPU engine, which the npm package `webgpu` ships
 * prebuilt (over Vulkan on Linux). It installs from npm alone, unlike tfjs-node-gpu's libtensorflow,
 * and trains the same networks with the cpu backend's gradients. Two things differ from the other
 * backends: tensors can only be read asynchronously (`await t.data()`; `dataSync()` throws in Node),
 * and Dawn's software adapter (Mesa's lavapipe, SwiftShader) runs on the CPU, so it is not a GPU.
 */

/** The parts of Dawn's WebGPU objects used here; the full types come with the optional package. */
interface AdapterInfoLike {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter?: boolean;
}
interface DeviceLike {
  lost: Promise<{ reason: string; message: string }>;
  onuncapturederror: ((event: { error: { message: string } }) => void) | null;
  destroy(): void;
}
interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
  limits: Record<string, number>;
  requestDevice(descriptor?: { requiredLimits?: Record<string, number> }): Promise<DeviceLike>;
}
interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
  }): Promise<AdapterLike | null>;
}
interface DawnModule {
  create(options: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** The adapter Dawn chose, as `nightmask doctor` and the start-up line show it. */
export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for an adapter that runs on the CPU (Dawn's fallback: lavapipe, SwiftShader). */
  software: boolean;
}

export type WebGpuProbe =
  | { ok: true; adapter: GpuAdapterSummary; handle: AdapterLike }
  /** Without `fix`, the cause is the machine's Vulkan setup, which `vulkanFixes` reads from disk. */
  | { ok: false; reason: string; fix?: string };

/** How long Dawn may take to answer for an adapter; a wedged driver should not hang start-up. */
const ADAPTER_TIMEOUT_MS = 20_000;

/**
 * Limits raised to the adapter's own: those TF.js's factory raises (the default 128 MiB per storage
 * binding is smaller than a 64 px batch of 64's activations), and the storage buffers per shader, so
 * that AddN (webgpu-kernels.ts) sums more tensors per dispatch.
 */
const RAISED_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
  'maxStorageBuffersPerShaderStage',
] as const;

/** Errors the device reported that no one caught: each one means a kernel's result is wrong. */
let deviceErrors = 0;
const LOGGED_DEVICE_ERRORS = 5;

// The package name is a variable so that a checkout installed without the optional package still
// type-checks; its shape is described by DawnModule above.
const DAWN_PACKAGE = 'webgpu';

let probed: Promise<WebGpuProbe> | undefined;

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Lavapipe says "llvmpipe" and architecture "software"; Dawn also flags it as its fallback. */
export function summarizeAdapter(adapter: AdapterLike): GpuAdapterSummary {
  const info = adapter.info ?? { vendor: '', architecture: '', device: '', description: '' };
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  const software =
    info.isFallbackAdapter === true ||
    adapter.isFallbackAdapter === true ||
    /\b(software|llvmpipe|lavapipe|swiftshader)\b/.test(text);
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software,
  };
}

/** The adapter's description (Dawn puts the device's name first), else its vendor and device. */
export function adapterName(adapter: GpuAdapterSummary): string {
  return (
    adapter.description || [adapter.vendor, adapter.device].filter((s) => s !== '').join(' ') || 'unnamed'
  );
}

/** Makes Dawn's WebGPU the global one TF.js's backend looks for: `navigator.gpu` and the GPU* constants. */
function installGlobals(dawn: DawnModule, gpu: GpuLike): void {
  const g = globalThis as { navigator?: object };
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis))
      Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  // Node 20 has no navigator; Node 21 and later have one without `gpu`.
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  }
  Object.defineProperty(g.navigator as object, 'gpu', { value: gpu, configurable: true, writable: true });
}

async function probeOnce(): Promise<WebGpuProbe> {
  let dawn: DawnModule;
  try {
    dawn = (await import(DAWN_PACKAGE)) as DawnModule;
  } catch (err) {
    const missing = (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
    return missing
      ? {
          ok: false,
          reason: "the npm package 'webgpu' (Dawn) is not installed",
          fix: 'npm install (it is an optional dependency; npm skips it where Dawn has no prebuilt binary)',
        }
      : {
          ok: false,
          reason: `the npm package 'webgpu' (Dawn) does not load: ${firstLine(err)}`,
          fix: 'reinstall it (npm rebuild webgpu); Dawn ships binaries for linux-x64, linux-arm64, macOS and Windows',
        };
  }

  let gpu: GpuLike;
  let handle: AdapterLike | null;
  try {
    gpu = dawn.create([]);
    handle = await withTimeout(
      gpu.requestAdapter({ powerPreference: 'high-performance' }),
      ADAPTER_TIMEOUT_MS,
      'Dawn',
    );
  } catch (err) {
    return { ok: false, reason: `Dawn failed asking for a GPU adapter: ${firstLine(err)}` };
  }
  if (handle === null) return { ok: false, reason: 'Dawn found no adapter (no working Vulkan driver)' };
  installGlobals(dawn, gpu);
  return { ok: true, adapter: summarizeAdapter(handle), handle };
}

/**
 * Asks Dawn once per process for its best adapter (high-performance). Never throws: what went wrong
 * comes back as a reason and a fix. A hardware GPU wins over a software adapter when both are there.
 */
export function probeWebGpu(): Promise<WebGpuProbe> {
  probed ??= probeOnce();
  return probed;
}

/** How many errors the WebGPU device has reported in this process; tests expect none. */
export function webGpuDeviceErrors(): number {
  return deviceErrors;
}

/**
 * Registers TF.js's WebGPU backend on the probed adapter and makes it current. TF.js's own factory
 * would ask Dawn for an adapter again; this one uses the adapter that was probed and reported.
 */
export async function activateWebGpu(probe: WebGpuProbe & { ok: true }, logger: Logger): Promise<void> {
  // The backend package checks navigator.gpu when it loads, which probeWebGpu has set.
  const { WebGPUBackend } = (await import('@tensorflow/tfjs-backend-webgpu')) as unknown as {
    WebGPUBackend: new (device: DeviceLike, adapterInfo?: AdapterInfoLike) => tf.KernelBackend;
  };
  const { handle } = probe;
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', async () => {
    const requiredLimits: Record<string, number> = {};
    for (const name of RAISED_LIMITS) {
      const limit = handle.limits[name];
      if (limit !== undefined) requiredLimits[name] = limit;
    }
    const device = await handle.requestDevice({ requiredLimits });
    // A lost device (driver reset, GPU fell off the bus) fails every later step; say why once.
    void device.lost.then((lost) => {
      if (lost.reason !== 'destroyed')
        logger.error({ reason: lost.reason }, `GPU device lost: ${lost.message}`);
    });
    // A validation or out-of-memory error leaves the kernel's output unwritten while training goes on.
    device.onuncapturederror = (event) => {
      deviceErrors += 1;
      if (deviceErrors > LOGGED_DEVICE_ERRORS) return;
      const more = deviceErrors === LOGGED_DEVICE_ERRORS ? ' (further ones are counted, not logged)' : '';
      logger.error(
        { errors: deviceErrors },
        `WebGPU error, results are wrong: ${event.error.message.split('\n')[0]}${more}`,
      );
    };
    return new WebGPUBackend(device, handle.info);
  });
  patchWebGpuKernels();
  if (!(await tf.setBackend('webgpu'))) {
    throw new Error(`TF.js could not start WebGPU on ${adapterName(probe.adapter)} (see the log above)`);
  }
}

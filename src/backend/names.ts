/**
 * The backends' names, kept apart from the code that probes them so that the configuration schema and
 * the CLI can check a name without loading TF.js.
 *
 * - `tensorflow`: `@tensorflow/tfjs-node-gpu` (libtensorflow with CUDA), when it is really on a GPU.
 * - `webgpu`: TF.js's WebGPU backend on Dawn (the npm package `webgpu`), over Vulkan on Linux.
 * - `native`: TF.js's cpu backend with this package's C++ kernels registered over its hot kernels.
 * - `cpu`: TF.js's JavaScript kernels.
 */
export const BACKEND_NAMES = Object.freeze(['tensorflow', 'webgpu', 'native', 'cpu'] as const);
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What NIGHTMASK_BACKEND and `--backend` accept: `auto` takes the first usable one in BACKEND_NAMES. */
export const BACKEND_PREFERENCES = Object.freeze(['auto', ...BACKEND_NAMES] as const);
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];

/** "auto, tensorflow, webgpu, native or cpu", for messages that list what is accepted. */
export const BACKEND_PREFERENCE_LIST = `${BACKEND_PREFERENCES.slice(0, -1).join(', ')} or ${BACKEND_PREFERENCES.at(-1)}`;

export function isBackendPreference(value: string): value is BackendPreference {
  return (BACKEND_PREFERENCES as readonly string[]).includes(value);
}

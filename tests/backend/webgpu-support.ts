import { probeWebGpu } from '../../src/backend/webgpu.js';

/**
 * Whether Dawn offers an adapter here. The WebGPU tests run on any adapter, software ones included
 * (CI uses Mesa's lavapipe from bookworm-backports); without one they are skipped, naming the reason.
 * `.ci/run` sets CI_REQUIRE_WEBGPU=1: there a missing adapter fails instead of skipping.
 */
const probe = await probeWebGpu();
if (!probe.ok && process.env.CI_REQUIRE_WEBGPU === '1') {
  throw new Error(`CI_REQUIRE_WEBGPU=1 but WebGPU has no adapter: ${probe.reason}`);
}

export const skipWebGpu = !probe.ok;

/** Appended to a suite's name, and printed once, so that a skipped run says why. */
export const webGpuSkipNote = probe.ok
  ? ''
  : ` (skipped: ${probe.reason}; install mesa-vulkan-drivers from bookworm-backports to run it)`;
if (skipWebGpu) console.warn(`WebGPU tests${webGpuSkipNote}`);

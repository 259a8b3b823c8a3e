import { describe, expect, it } from 'vitest';
import {
  BACKEND_ORDER,
  defaultModelSize,
  probeAllBackends,
  selectBackend,
  webGpuCandidate,
} from '../../src/backend/select.js';
import type { GpuAdapterSummary } from '../../src/backend/webgpu.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { tf } from '../../src/gan/tf.js';
import { silentLogger } from '../../src/log/logger.js';
import { nativeStatus } from '../../src/native/register.js';

const lavapipe: GpuAdapterSummary = {
  vendor: 'mesa',
  architecture: 'software',
  device: 'llvmpipe',
  description: 'llvmpipe: Mesa 25.0.7',
  software: true,
};
const h200: GpuAdapterSummary = {
  vendor: 'nvidia',
  architecture: 'hopper',
  device: '',
  description: 'NVIDIA H200',
  software: false,
};
// The adapter handle is only used to start a device, which these cases never do.
const found = (adapter: GpuAdapterSummary) => ({ ok: true as const, adapter, handle: {} as never });

describe('the backend order', () => {
  it('given auto, then a healthy tfjs-node-gpu comes first, then WebGPU, then the native kernels, then cpu', () => {
    expect(BACKEND_ORDER).toEqual(['tensorflow', 'webgpu', 'native', 'cpu']);
  });

  it('given NIGHTMASK_BACKEND=webgpu, then the configuration takes it; an unknown name lists the choices', () => {
    expect(loadConfig({ NIGHTMASK_BACKEND: 'webgpu' }, '/tmp').training.backend).toBe('webgpu');
    expect(() => loadConfig({ NIGHTMASK_BACKEND: 'vulkan' }, '/tmp')).toThrow(ConfigError);
    expect(() => loadConfig({ NIGHTMASK_BACKEND: 'vulkan' }, '/tmp')).toThrow(
      /expected auto, tensorflow, webgpu, native or cpu/,
    );
  });
});

describe("WebGPU's candidate report", () => {
  it('given only a software adapter under auto, then WebGPU is skipped as a CPU, saying how to use it anyway', () => {
    const report = webGpuCandidate(found(lavapipe), false, []);
    expect(report).toMatchObject({ available: false, gpu: false, adapter: lavapipe });
    expect(report.reason).toMatch(/only a software adapter was found \(llvmpipe: Mesa 25\.0\.7\)/);
    expect(report.fix).toMatch(/NIGHTMASK_BACKEND=webgpu to train on the software adapter anyway/);
  });

  it('given a software adapter asked for by name, then it is used and reported as a CPU', () => {
    const report = webGpuCandidate(found(lavapipe), true, []);
    expect(report).toMatchObject({ available: true, gpu: false });
    expect(report.device).toMatch(/^CPU: llvmpipe/);
  });

  it('given a hardware adapter, then it is used and reported as a GPU', () => {
    const report = webGpuCandidate(found(h200), false, []);
    expect(report).toMatchObject({
      available: true,
      gpu: true,
      device: expect.stringMatching(/^GPU: NVIDIA H200/),
    });
  });

  it('given no adapter, then the reason is kept and the fixes come from the Vulkan setup', () => {
    const report = webGpuCandidate({ ok: false, reason: 'Dawn found no adapter' }, false, [
      'install libvulkan1',
    ]);
    expect(report).toMatchObject({
      available: false,
      reason: 'Dawn found no adapter',
      fix: 'install libvulkan1',
    });
  });
});

describe('the default model size', () => {
  it.each([
    [
      { name: 'cpu', gpu: false },
      { sizePx: 32, width: 16, batchSize: 16 },
    ],
    [
      { name: 'webgpu', gpu: false },
      { sizePx: 32, width: 16, batchSize: 16 },
    ],
    [
      { name: 'native', gpu: false },
      { sizePx: 64, width: 32, batchSize: 16 },
    ],
    [
      { name: 'webgpu', gpu: true },
      { sizePx: 64, width: 64, batchSize: 64 },
    ],
    [
      { name: 'tensorflow', gpu: true },
      { sizePx: 64, width: 64, batchSize: 64 },
    ],
  ] as const)('given %o, then %o', (choice, size) => {
    expect(defaultModelSize(choice)).toEqual(size);
  });
});

describe('probing and choosing on this machine', () => {
  it('given every backend probed, then each unusable one says why and what would fix it', async () => {
    const reports = await probeAllBackends();
    expect(reports.map((r) => r.name)).toEqual(BACKEND_ORDER);
    expect(reports.at(-1)?.available).toBe(true);
    for (const r of reports.filter((c) => !c.available)) {
      expect(r.reason, r.name).not.toBe('');
      expect(r.fix, r.name).toMatch(/\w/);
    }
  });

  it('given auto, then the first usable backend trains, never a software WebGPU adapter, and a CPU pick turns the native kernels off', async () => {
    const usable = (await probeAllBackends()).find((c) => c.available);
    const choice = await selectBackend('auto', silentLogger);
    expect(choice.name).toBe(usable?.name);
    expect(choice.name === 'webgpu' && !choice.gpu).toBe(false);
    expect(choice.candidates.at(-1)?.name).toBe(choice.name);

    await selectBackend('cpu', silentLogger);
    expect(tf.getBackend()).toBe('cpu');
    expect(nativeStatus().enabled).toBe(false);
  });
});

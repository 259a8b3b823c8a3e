import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackendChoice, selectBackend } from '../../src/backend/select.js';
import { webGpuDeviceErrors } from '../../src/backend/webgpu.js';
import { loadLatestCheckpoint } from '../../src/checkpoint/store.js';
import { runDiscriminator } from '../../src/gan/discriminator.js';
import { createGan, disposeGan } from '../../src/gan/gan.js';
import { runGenerator } from '../../src/gan/generator.js';
import { discriminatorHingeLoss } from '../../src/gan/losses.js';
import { tf } from '../../src/gan/tf.js';
import { MaskPainter } from '../../src/generate/generate.js';
import { silentLogger } from '../../src/log/logger.js';
import { nativeStatus } from '../../src/native/register.js';
import { Trainer } from '../../src/trainer/trainer.js';
import { relativeError } from '../native/native-support.js';
import { writeTinyDataset } from '../support/tiny-dataset.js';
import { tinyConfig } from '../support/tiny-gan.js';
import { skipWebGpu, webGpuSkipNote } from './webgpu-support.js';

let root: string;
let backend: BackendChoice;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightmask-webgpu-'));
  if (!skipWebGpu) backend = await selectBackend('webgpu', silentLogger);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** GPU bytes in use as the WebGPU backend counts them (0 on other backends). */
const gpuBytes = () => (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU ?? 0;

describe.skipIf(skipWebGpu)(`the WebGPU path on a tiny model${webGpuSkipNote}`, () => {
  it('given NIGHTMASK_BACKEND=webgpu, then WebGPU runs without the native kernels and says where', () => {
    expect(backend.name).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(nativeStatus().enabled).toBe(false);
    expect(backend.device).toMatch(/^(GPU|CPU): /);
  });

  it('given more tensors than a shader may bind, then addN still sums them all, with no device error', async () => {
    // 80 is what the trainer's weight checksum adds up; lavapipe binds 16 buffers per shader.
    const parts = Array.from({ length: 80 }, (_, i) => tf.fill([3], i + 1));
    const sum = tf.addN(parts);
    expect(Array.from(await sum.data())).toEqual([3240, 3240, 3240]);
    tf.dispose([sum, ...parts]);
    expect(webGpuDeviceErrors()).toBe(0);
  });

  it("given the same weights and batch, then the discriminator's gradients match the cpu backend's within 1e-3", async () => {
    const gradsOn = async (engine: string) => {
      await tf.setBackend(engine);
      const gan = createGan(tinyConfig, 8);
      const real = tf.randomUniform([tinyConfig.batchSize, 32, 32, 3], -1, 1, 'float32', 9);
      const z = tf.randomNormal([tinyConfig.batchSize, tinyConfig.latentDim], 0, 1, 'float32', 10);
      const variables = [...gan.generator.params.values(), ...gan.discriminator.params.values()];
      const { value, grads } = tf.variableGrads(
        () =>
          discriminatorHingeLoss(
            runDiscriminator(gan.discriminator, real, tinyConfig),
            runDiscriminator(
              gan.discriminator,
              runGenerator(gan.generator, z, tinyConfig, true).images,
              tinyConfig,
            ),
          ),
        variables,
      );
      const values = await Promise.all(
        variables.map(async (v) => Float32Array.from((await grads[v.name]?.data()) ?? [])),
      );
      const loss = (await value.data())[0] as number;
      tf.dispose([real, z, value, ...Object.values(grads)]);
      disposeGan(gan);
      return { loss, values };
    };
    const cpu = await gradsOn('cpu');
    const webgpu = await gradsOn('webgpu');
    expect(Math.abs(webgpu.loss - cpu.loss)).toBeLessThan(1e-4);
    cpu.values.forEach((g, i) => {
      expect(g.length).toBeGreaterThan(0);
      expect(relativeError(webgpu.values[i] as Float32Array, g), `gradient ${i}`).toBeLessThan(1e-3);
    });
  });

  it('given a run of training steps, then checkpoints and sample grids are written and the tensor and GPU memory counts stay flat', async () => {
    await tf.setBackend('webgpu');
    const dataset = await writeTinyDataset(join(root, 'dataset'));
    const trainer = Trainer.open(
      {
        checkpointsDir: join(root, 'checkpoints'),
        samplesDir: join(root, 'samples'),
        modelsDir: root,
        backend,
        seed: 1,
        checkpointEverySteps: 3,
        checkpointEveryMs: 3_600_000,
        sampleEverySteps: 3,
        sampleEveryMs: 3_600_000,
        logger: silentLogger,
      },
      dataset,
      tinyConfig,
    );
    const counts: Array<{ tensors: number; bytes: number }> = [];
    for (let step = 1; step <= 9; step++) {
      const written = await trainer.trainOnce();
      expect(written.rolledBack).toBeUndefined();
      // Counted right after each checkpoint and sample grid, where the most is allocated and freed.
      if (step % 3 === 0) counts.push({ tensors: tf.memory().numTensors, bytes: gpuBytes() });
    }
    expect(trainer.progress(false)).toMatchObject({ step: 9, backend: 'webgpu', device: backend.device });
    expect(counts[2]).toEqual(counts[1]);
    expect(webGpuDeviceErrors()).toBe(0);
    expect(await readdir(join(root, 'checkpoints'))).toContain('step-000000009');
    const grid = await sharp(join(root, 'samples', 'latest.png')).metadata();
    expect(grid.format).toBe('png');
    trainer.dispose();
  });

  it('given the checkpoint, then masks are drawn from it on WebGPU, the same bytes for the same seed, leaving no tensors', async () => {
    const loaded = await loadLatestCheckpoint(join(root, 'checkpoints'), silentLogger);
    expect(loaded?.manifest.step).toBe(9);
    const before = tf.memory().numTensors;
    const painter = new MaskPainter(loaded as NonNullable<typeof loaded>);
    const [a, b] = await painter.masks(
      [
        { seed: 7, weirdness: 1 },
        { seed: 8, weirdness: 1.5 },
      ],
      64,
    );
    const [again] = await painter.masks([{ seed: 7, weirdness: 1 }], 64);
    painter.dispose();
    expect(a?.png.equals(again?.png as Buffer)).toBe(true);
    expect(a?.png.equals(b?.png as Buffer)).toBe(false);
    expect((await sharp(a?.png).metadata()).width).toBe(64);
    expect(tf.memory().numTensors).toBe(before);
    expect(webGpuDeviceErrors()).toBe(0);
  });
});

/**
 * `npm run bench:generate`: how long drawing 4 masks takes on the selected backend, for a fresh model
 * of the size that backend trains (64 px on the native kernels), PNG encoding at 64 px included.
 * Prints one JSON line with the median and p95 over the runs, in milliseconds.
 */
import { selectBackend } from '../src/backend/select.js';
import { snapshotGan } from '../src/checkpoint/gan-io.js';
import type { LoadedCheckpoint } from '../src/checkpoint/store.js';
import { loadConfig } from '../src/config/config.js';
import { createGan, disposeGan } from '../src/gan/gan.js';
import { tf } from '../src/gan/tf.js';
import { MaskPainter } from '../src/generate/generate.js';
import { createLogger } from '../src/log/logger.js';
import { freshGanConfig } from '../src/trainer/run-setup.js';

const runs = Number(process.argv[2] ?? 20);
const config = loadConfig();
const backend = await selectBackend(config.training.backend, createLogger({ level: 'error' }), 'generating');
const ganConfig = freshGanConfig(config.training, backend);
const gan = createGan(ganConfig, 1);
const tensors = new Map((await snapshotGan(gan)).map((t) => [t.name, { shape: t.shape, values: t.values }]));
disposeGan(gan);
const checkpoint = {
  path: 'memory',
  tensors,
  manifest: { id: 'step-000000000-00000000', config: ganConfig },
};
const painter = new MaskPainter(checkpoint as unknown as LoadedCheckpoint);

const times: number[] = [];
for (let i = 0; i < runs + 2; i++) {
  const started = performance.now();
  await painter.masks(
    [0, 1, 2, 3].map((k) => ({ seed: i * 4 + k, weirdness: 1 })),
    ganConfig.sizePx,
  );
  if (i >= 2) times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const at = (q: number) =>
  Math.round((times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? 0) * 10) / 10;
console.log(
  JSON.stringify({
    backend: backend.name,
    model: { sizePx: ganConfig.sizePx, width: ganConfig.width },
    masks: 4,
    outPx: ganConfig.sizePx,
    runs,
    ms: { median: at(0.5), p95: at(0.95) },
    tensorsLeft: tf.memory().numTensors,
  }),
);
painter.dispose();

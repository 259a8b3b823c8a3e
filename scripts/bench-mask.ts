/**
 * `npm run bench:mask`: the time from a /mask interaction (4 masks at 512 px) to its edited reply,
 * through the real discord.js client and a fake Discord on 127.0.0.1, while the trainer trains on
 * the same machine. Prints one JSON line with the median and p95 of the acknowledgement and of the
 * full reply, in milliseconds.
 *
 *   npm run bench:mask -- --requests 20
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../src/backend/select.js';
import { deployCommands } from '../src/bot/deploy.js';
import { startBot } from '../src/bot/run-bot.js';
import { snapshotGan } from '../src/checkpoint/gan-io.js';
import { writeCheckpoint } from '../src/checkpoint/store.js';
import { loadConfig } from '../src/config/config.js';
import { createGan, disposeGan } from '../src/gan/gan.js';
import { tf } from '../src/gan/tf.js';
import { createLogger } from '../src/log/logger.js';
import { freshGanConfig } from '../src/trainer/run-setup.js';
import { startFakeDiscord } from '../tests/support/fake-discord/index.js';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '12' }, warmup: { type: 'string', default: '2' } },
});
const requests = Number(values.requests);
const warmup = Number(values.warmup);
const logger = createLogger({ level: 'error' });

const users = Array.from({ length: requests + warmup }, (_, i) => ({ user: { username: `user${i}` } }));
const fake = await startFakeDiscord({
  guilds: [
    { name: 'Bench', channels: [{ name: 'general' }], members: [{ user: { username: 'owner' } }, ...users] },
  ],
});
const root = await mkdtemp(join(tmpdir(), 'nightmask-bench-mask-'));
const env = {
  DISCORD_TOKEN: fake.token,
  DISCORD_CLIENT_ID: fake.applicationId,
  DISCORD_API_URL: fake.apiUrl,
  NIGHTMASK_DATA_DIR: join(root, 'data'),
  NIGHTMASK_MODELS_DIR: join(root, 'models'),
  NIGHTMASK_LOG_LEVEL: 'error',
};
Object.assign(process.env, env);
const config = loadConfig(process.env, root);

// A checkpoint of the model the trainer would train here, so generation costs what it will in use.
const backend = await selectBackend(config.training.backend, logger, 'generating');
const ganConfig = freshGanConfig(config.training, backend);
const gan = createGan(ganConfig, 1);
await writeCheckpoint(
  config.paths.checkpointsDir,
  {
    step: 0,
    createdAt: new Date().toISOString(),
    config: ganConfig,
    versions: { nightmask: 'bench', tfjs: tf.version.tfjs, node: process.version },
    backend: backend.name,
    optimizerSteps: { generator: 0, discriminator: 0 },
    rngState: 0,
    trainer: {},
  },
  await snapshotGan(gan),
);
disposeGan(gan);

await deployCommands(config);
const bot = await startBot(config, logger, { trainer: true });
// Wait until the trainer has built its data set and reported a step, so masks are drawn under training load.
const trainingSince = Date.now();
while (!bot.ctx.trainer.progress && Date.now() - trainingSince < 180_000)
  await new Promise((r) => setTimeout(r, 500));

const ack: number[] = [];
const full: number[] = [];
for (let i = 0; i < requests + warmup; i++) {
  const started = performance.now();
  const { id } = fake.sendInteraction({
    kind: 'slash',
    name: 'mask',
    options: { count: 4, size: 512 },
    userId: fake.user(`user${i}`).id,
  });
  await fake.waitFor(() => fake.interactionEvents(id).find((e) => e.method === 'POST' && e.status < 300), {
    timeoutMs: 10_000,
  });
  const acked = performance.now();
  await fake.waitFor(
    () =>
      fake
        .interactionEvents(id)
        .find((e) => e.method === 'PATCH' && e.status === 200 && e.files.length === 4),
    { timeoutMs: 120_000, description: 'the masks' },
  );
  if (i >= warmup) {
    ack.push(acked - started);
    full.push(performance.now() - started);
  }
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? Number.NaN);
};
const progress = bot.ctx.trainer.progress;
console.log(
  JSON.stringify({
    requests,
    masksPerRequest: 4,
    sizePx: 512,
    model: { sizePx: ganConfig.sizePx, width: ganConfig.width },
    backend: backend.name,
    trainerRunning: bot.ctx.trainer.running,
    trainerStep: progress?.step ?? null,
    ackMs: { median: quantile(ack, 0.5), p95: quantile(ack, 0.95) },
    replyMs: { median: quantile(full, 0.5), p95: quantile(full, 0.95) },
  }),
);
await bot.stop();
await fake.close();
await rm(root, { recursive: true, force: true });

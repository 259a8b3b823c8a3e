/**
 * Entry point of the trainer child process. The long-running process forks this file so that TF.js,
 * whose kernels block the thread they run on, never starves the bot's heartbeats, commands and
 * schedules. It trains until told to stop, checkpointing on the way out.
 */
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { selectBackend } from '../backend/select.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { DatasetError } from '../dataset/errors.js';
import { createLogger } from '../log/logger.js';
import { ensureDataset } from './dataset-source.js';
import { TrainingDivergedError } from './divergence.js';
import { lockModelsDir, TrainerLockedError } from './lock.js';
import { type ChildMessage, isParentMessage, type ParentMessage } from './protocol.js';
import { freshGanConfig, resumePoint } from './run-setup.js';
import { writeStatus } from './status-file.js';
import { Trainer } from './trainer.js';

const logger = createLogger().child({ subsystem: 'trainer' });
// The parent may be gone (a second Ctrl-C ends it at once): then there is no one to tell.
const send = (message: ChildMessage) => {
  if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
};

let stopping = false;
let paused = false;
const queue: ParentMessage[] = [];

process.on('message', (raw: unknown) => {
  if (!isParentMessage(raw)) {
    logger.warn({ message: raw }, 'ignoring a message the trainer does not understand');
    return;
  }
  if (raw.type === 'stop') stopping = true;
  else if (raw.type === 'pause') paused = true;
  else if (raw.type === 'resume') paused = false;
  else queue.push(raw);
});
// Ctrl-C reaches the whole process group; SIGTERM comes from a supervisor or container runtime.
// Either way: finish the step, checkpoint, exit. A lost parent means the same.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => (stopping = true));
process.on('disconnect', () => (stopping = true));

async function main(): Promise<void> {
  const config = loadConfig();
  const unlock = await lockModelsDir(config.paths.modelsDir);
  const backend = await selectBackend(config.training.backend, logger);
  // --fresh is passed to the first child only; a restarted one resumes the new run.
  const { ganConfig, loaded } = await resumePoint(config, backend, logger, {
    fresh: process.argv.includes('--fresh'),
  });
  let dataset = await ensureDataset(config.paths, ganConfig.sizePx, logger);
  const trainer = Trainer.open(
    { ...config.training, ...config.paths, backend, logger },
    dataset,
    ganConfig,
    loaded,
  );
  const { trainImages } = trainer.progress(false);
  logger.info(
    {
      images: dataset.manifest.count,
      trainImages,
      heldOut: dataset.manifest.count - trainImages,
      config: trainer.config,
    },
    `training on ${trainImages} images (${dataset.manifest.count - trainImages} held out for the quality score)`,
  );

  let lastReportAt = 0;
  const report = async (force = false) => {
    if (!force && Date.now() - lastReportAt < 2000) return;
    lastReportAt = Date.now();
    const progress = trainer.progress(paused);
    send({ type: 'progress', progress });
    await writeStatus(config.paths.modelsDir, progress);
  };

  while (!stopping) {
    const command = queue.shift();
    if (command?.type === 'checkpoint') {
      const info = await trainer.checkpoint();
      send({ type: 'checkpoint', step: info.step, id: info.id, path: info.path });
    } else if (command?.type === 'retrain') {
      dataset = await ensureDataset(config.paths, trainer.config.sizePx, logger);
      await trainer.restart(command.mode, dataset, freshGanConfig(config.training, backend));
      logger.warn({ mode: command.mode, images: dataset.manifest.count }, 'retraining');
    }

    if (paused) {
      await report();
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    const written = await trainer.trainOnce();
    if (written.checkpoint) {
      const { step, id, path } = written.checkpoint;
      send({ type: 'checkpoint', step, id, path });
    }
    if (written.samplePath) send({ type: 'sample', step: trainer.step, path: written.samplePath });
    await report(written.checkpoint !== undefined || written.rolledBack !== undefined);
    // Let IPC messages and signals in between steps.
    await yieldToEvents();
  }

  const info = await trainer.checkpoint();
  send({ type: 'checkpoint', step: info.step, id: info.id, path: info.path });
  // The grid of the final step too, so that latest.png shows what the checkpoint holds.
  send({ type: 'sample', step: trainer.step, path: await trainer.writeSampleGrid() });
  await report(true);
  send({ type: 'stopped', step: trainer.step });
  trainer.dispose();
  await unlock();
}

main().then(
  () => {
    logger.info('trainer stopped cleanly');
    process.disconnect?.();
    process.exitCode = 0;
  },
  (err: unknown) => {
    // Out of rollbacks after divergences: a restart would resume the same run and diverge again.
    const permanent =
      err instanceof DatasetError ||
      err instanceof TrainerLockedError ||
      err instanceof ConfigError ||
      err instanceof TrainingDivergedError;
    logger.fatal({ err, permanent }, 'trainer failed');
    send({ type: 'fatal', message: (err as Error).message, permanent });
    process.exitCode = 1;
    process.disconnect?.();
  },
);

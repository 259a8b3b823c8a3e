import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { Command } from 'commander';
import { selectBackend } from '../backend/select.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../log/logger.js';
import { ensureDataset } from '../trainer/dataset-source.js';
import { lockModelsDir, TrainerLockedError } from '../trainer/lock.js';
import { resumePoint } from '../trainer/run-setup.js';
import { writeStatus } from '../trainer/status-file.js';
import { Trainer } from '../trainer/trainer.js';
import { intOption, numberOption, UsageError } from './errors.js';
import { ProgressBar } from './progress-bar.js';

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description(
      'train in the foreground (resuming from the latest checkpoint) with a progress bar, then checkpoint',
    )
    .option('--steps <n>', 'stop after this many steps', intOption(1, 100_000_000))
    .option('--minutes <m>', 'stop after this many minutes', numberOption(0.01, 1_000_000))
    .option('--fresh', 'train new networks from scratch; the old checkpoints are moved to models/archive/')
    .action(async (opts: { steps?: number; minutes?: number; fresh?: boolean }) => {
      if (opts.steps === undefined && opts.minutes === undefined) {
        throw new UsageError(
          'say how long to train: --steps N, --minutes M, or both (whichever comes first)',
        );
      }
      const config = loadConfig();
      const unlock = await lockModelsDir(config.paths.modelsDir).catch((err: unknown) => {
        throw err instanceof TrainerLockedError ? new UsageError(err.message) : err;
      });
      const logger = createLogger({ level: process.env.NIGHTMASK_LOG_LEVEL ?? 'warn' }).child({
        subsystem: 'train',
      });
      for (const warning of config.warnings) console.error(`warning: ${warning}`);
      const backend = await selectBackend(config.training.backend, logger);
      console.error(`training on ${backend.name} (${backend.device})`);
      const { ganConfig, loaded } = await resumePoint(config, backend, logger, {
        fresh: opts.fresh ?? false,
      });
      const dataset = await ensureDataset(config.paths, ganConfig.sizePx, logger);
      const trainer = Trainer.open(
        { ...config.training, ...config.paths, backend, logger },
        dataset,
        ganConfig,
        loaded,
      );
      console.error(
        `${loaded ? `resuming at step ${trainer.step}` : 'new run'}: ${dataset.manifest.count} images, ` +
          `${ganConfig.sizePx} px, width ${ganConfig.width}, batch ${ganConfig.batchSize}`,
      );

      let interrupted = false;
      const onSignal = () => {
        interrupted = true;
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);

      const startedAt = Date.now();
      const startStep = trainer.step;
      const goal = {
        startStep,
        startedAt,
        ...(opts.steps !== undefined && { steps: opts.steps }),
        ...(opts.minutes !== undefined && { ms: opts.minutes * 60_000 }),
      };
      const bar = new ProgressBar(goal);
      const deadline =
        opts.minutes === undefined ? Number.POSITIVE_INFINITY : startedAt + opts.minutes * 60_000;
      const lastStep = opts.steps === undefined ? Number.POSITIVE_INFINITY : startStep + opts.steps;

      while (!interrupted && trainer.step < lastStep && Date.now() < deadline) {
        await trainer.trainOnce();
        bar.update(trainer.progress(false));
        await yieldToEvents();
      }
      bar.update(trainer.progress(false), true);
      bar.done();

      const info = await trainer.checkpoint();
      const grid = await trainer.writeSampleGrid();
      await writeStatus(config.paths.modelsDir, trainer.progress(false));
      trainer.dispose();
      await unlock();
      console.error(
        `${interrupted ? 'interrupted' : 'done'}: step ${info.step}, checkpoint ${info.path}, sample grid ${grid}`,
      );
    });
}

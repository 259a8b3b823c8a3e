import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { TrainerSupervisor } from '../trainer/supervisor.js';

/**
 * The embedded default: everything the bot does, without Discord. The trainer runs in the background
 * on data/, sample grids land in models/samples, and each night of the season a nightly nightmare is
 * written to the output folder as the bot would post it. Ctrl-C stops with a checkpoint.
 */
export async function runLocalMode(config: Config, logger: Logger): Promise<void> {
  const log = logger.child({ subsystem: 'local' });
  log.info(
    {
      dataset: config.paths.datasetDir,
      yourImages: config.paths.imagesDir,
      checkpoints: config.paths.checkpointsDir,
      samples: config.paths.samplesDir,
      nightly: config.paths.outputDir,
      nightlyTime: config.nightly.time,
      timeZone: config.nightly.timeZone,
    },
    'local mode (no DISCORD_TOKEN): training in the background; sample grids, checkpoints and nightly masks go to these folders',
  );

  const trainer = new TrainerSupervisor({ logger });
  trainer.on('sample', ({ step, path }) => log.info({ step, path }, 'new sample grid'));
  trainer.start();

  await new Promise<void>((resolve) => {
    const stop = async (signal: string) => {
      log.info({ signal }, 'stopping: the trainer saves a checkpoint first');
      await trainer.stop();
      resolve();
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
  log.info('stopped cleanly');
}

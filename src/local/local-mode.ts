import type { Config } from '../config/config.js';
import { GeneratorClient } from '../generate/client.js';
import type { Logger } from '../log/logger.js';
import { NightlyScheduler } from '../schedule/nightly.js';
import { openStore } from '../store/index.js';
import { TrainerSupervisor } from '../trainer/supervisor.js';

/** The next nightly post as `YYYY-MM-DD at ISO instant`, for the start-up log line. */
function formatNext(slot: { night: string; at: number } | null): string | null {
  return slot ? `${slot.night} (${new Date(slot.at).toISOString()})` : null;
}

import { fileNightlyPoster, LOCAL_GUILD_ID } from './nightly-file.js';

/**
 * The embedded default: everything the bot does, without Discord. The trainer runs in the background
 * on data/, sample grids land in models/samples, and each night of the season a nightly nightmare is
 * written to the output folder as the bot would post it. Ctrl-C stops with a checkpoint.
 */
export async function runLocalMode(
  config: Config,
  logger: Logger,
  options: { fresh?: boolean } = {},
): Promise<void> {
  const log = logger.child({ subsystem: 'local' });
  const store = openStore(config.paths.databaseFile, logger.child({ subsystem: 'store' }));
  const settings = store.guilds.update(LOCAL_GUILD_ID, {
    time: config.nightly.time,
    timeZone: config.nightly.timeZone,
    seasonStart: config.nightly.seasonStart,
    enabled: true,
  });
  if (!settings.ok) throw new Error(`nightly settings: ${settings.error.message}`);

  const trainer = new TrainerSupervisor({ logger, fresh: options.fresh ?? false });
  const generator = new GeneratorClient({ logger });
  const nightly = new NightlyScheduler({
    store,
    logger: logger.child({ subsystem: 'nightly' }),
    keepAlive: true,
    post: fileNightlyPoster({
      outputDir: config.paths.outputDir,
      generator,
      logger: log,
      folders: config.paths,
    }),
  });

  log.info(
    {
      dataset: config.paths.datasetDir,
      yourImages: config.paths.imagesDir,
      checkpoints: config.paths.checkpointsDir,
      samples: config.paths.samplesDir,
      nightly: `${config.paths.outputDir}/nightly`,
      nightlyAt: `${config.nightly.time} ${config.nightly.timeZone}`,
      nextNightly: formatNext(nightly.nextSlotFor(LOCAL_GUILD_ID)),
    },
    'local mode (no DISCORD_TOKEN): training in the background; checkpoints, sample grids and nightly masks go to these folders',
  );
  trainer.on('sample', ({ step, path }) => log.info({ step, path }, 'new sample grid'));
  trainer.start();
  await nightly.start();

  await new Promise<void>((resolve) => {
    const stop = async (signal: string) => {
      log.info({ signal }, 'stopping: the trainer saves a checkpoint first');
      await nightly.stop();
      await trainer.stop();
      await generator.close();
      store.close();
      resolve();
    };
    // A second Ctrl-C while stopping must not cut the checkpoint short: it is noted and ignored.
    // (npm forwards the Ctrl-C that the process group already got, so a second one at once is usual.)
    let stoppingSince = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stoppingSince > 0) {
        if (Date.now() - stoppingSince > 1000)
          log.info({ signal }, 'already stopping; waiting for the checkpoint');
        return;
      }
      stoppingSince = Date.now();
      void stop(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  log.info('stopped cleanly');
}

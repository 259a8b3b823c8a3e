import type { Command } from 'commander';
import { runBot } from '../bot/run-bot.js';
import { loadConfig } from '../config/config.js';
import { runLocalMode } from '../local/local-mode.js';
import { createLogger } from '../log/logger.js';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'run the long-running process: the trainer in the background, the nightly schedule, and the bot when ' +
        'DISCORD_TOKEN is set (local mode otherwise: nightly masks go to NIGHTMASK_OUTPUT_DIR)',
    )
    .option('--fresh', 'train new networks from scratch; the old checkpoints are moved to models/archive/')
    .action(async (opts: { fresh?: boolean }) => {
      const config = loadConfig();
      const logger = createLogger();
      for (const warning of config.warnings) logger.warn(warning);
      const fresh = opts.fresh ?? false;
      if (config.discord.token) await runBot(config, logger, { fresh });
      else await runLocalMode(config, logger, { fresh });
    });
}

#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import dotenv from 'dotenv';
import { CheckpointError } from '../checkpoint/errors.js';
import { ConfigError } from '../config/config.js';
import { DatasetError } from '../dataset/errors.js';
import { packageVersion } from '../util/package-info.js';
import { registerBenchCommand } from './bench.js';
import { registerDatasetCommands } from './dataset.js';
import { registerDeployCommand } from './deploy-commands.js';
import { registerDoctorCommand } from './doctor.js';
import { UsageError } from './errors.js';
import { registerGenerateCommand } from './generate.js';
import { registerStartCommand } from './start.js';
import { registerTrainCommand } from './train.js';

// .env is read once, here, before any configuration is parsed; real environment variables win.
dotenv.config({ quiet: true });

const program = new Command('nightmask')
  .version(packageVersion)
  .description(
    'A Discord bot that grows its own Halloween masks: it trains a GAN in the background, answers /mask, ' +
      'and posts a nightly nightmare up to Halloween. Without DISCORD_TOKEN it runs in local mode.',
  )
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerStartCommand(program);
registerTrainCommand(program);
registerGenerateCommand(program);
registerDatasetCommands(program);
registerBenchCommand(program);
registerDoctorCommand(program);
registerDeployCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has printed its own message (or the help, or the version).
    process.exitCode = err.exitCode;
  } else if (err instanceof UsageError || err instanceof ConfigError) {
    console.error(`nightmask: ${err.message}`);
    process.exitCode = 2;
  } else if (err instanceof CheckpointError || err instanceof DatasetError) {
    // Bad files rather than bad code: say which file and what is wrong with it, without a stack.
    console.error(`nightmask: ${err.message}${err instanceof CheckpointError ? ` (${err.path})` : ''}`);
    process.exitCode = 1;
  } else {
    console.error('nightmask: unexpected error:', err);
    process.exitCode = 1;
  }
}

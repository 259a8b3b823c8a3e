#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import dotenv from 'dotenv';
import { packageVersion } from '../util/package-info.js';
import { registerBenchCommand } from './bench.js';
import { registerDatasetCommands } from './dataset.js';
import { registerDeployCommand } from './deploy-commands.js';
import { registerDoctorCommand } from './doctor.js';
import { registerEvalCommand } from './eval.js';
import { describeFailure } from './failure.js';
import { registerGenerateCommand } from './generate.js';
import { registerStartCommand } from './start.js';
import { registerTimelapseCommand } from './timelapse.js';
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
registerTimelapseCommand(program);
registerEvalCommand(program);
registerDatasetCommands(program);
registerBenchCommand(program);
registerDoctorCommand(program);
registerDeployCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const { message, exitCode } = describeFailure(err);
  if (message !== undefined) console.error(`nightmask: ${message}`);
  else if (!(err instanceof CommanderError)) console.error('nightmask: unexpected error:', err);
  process.exitCode = exitCode;
}

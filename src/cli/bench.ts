import { type Command, InvalidArgumentError } from 'commander';
import { BACKEND_PREFERENCE_LIST, type BackendPreference, isBackendPreference } from '../backend/names.js';
import { selectBackend } from '../backend/select.js';
import { benchTrainStep } from '../bench/train-step.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../log/logger.js';
import { intOption } from './errors.js';

export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('measure speed and memory');
  bench
    .command('train')
    .description(
      'time one DCGAN training step (hinge loss, Adam, no augmentation, a batch of uniform noise: the same ' +
        'step as the PyTorch reference dcgan_peer.py); prints one JSON line',
    )
    .option(
      '--res <px>',
      'image size: 32, 64 or 128',
      (v) => {
        if (!['32', '64', '128'].includes(v)) throw new InvalidArgumentError('expected 32, 64 or 128.');
        return Number(v) as 32 | 64 | 128;
      },
      64 as const,
    )
    .option('--width <n>', 'base channel width', intOption(4, 256), 64)
    .option('--batch <n>', 'batch size', intOption(2, 1024), 32)
    .option('--steps <n>', 'timed steps', intOption(1, 10_000), 5)
    .option('--warmup <n>', 'untimed steps first', intOption(0, 100), 1)
    .option('--backend <name>', `${BACKEND_PREFERENCE_LIST} (default: NIGHTMASK_BACKEND)`, (v) => {
      if (!isBackendPreference(v)) throw new InvalidArgumentError(`expected ${BACKEND_PREFERENCE_LIST}.`);
      return v;
    })
    .option(
      '--threads <n>',
      'threads for the native kernels (default: every core this process may use)',
      intOption(1, 256),
    )
    .action(
      async (opts: {
        res: 32 | 64 | 128;
        width: number;
        batch: number;
        steps: number;
        warmup: number;
        backend?: BackendPreference;
        threads?: number;
      }) => {
        const config = loadConfig();
        const logger = createLogger({ level: 'error' });
        const preference = opts.backend ?? config.training.backend;
        const threads = opts.threads === undefined ? {} : { threads: opts.threads };
        const backend = await selectBackend(preference, logger, 'training', threads);
        const result = await benchTrainStep(opts, backend);
        console.log(JSON.stringify(result));
      },
    );
}

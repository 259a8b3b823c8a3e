import { mkdir, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { TimelapseError } from '../timelapse/errors.js';
import { makeTimelapse, TIMELAPSE_DEFAULTS } from '../timelapse/timelapse.js';
import { writeFileAtomic } from '../util/atomic.js';
import { intOption, numberOption, UsageError } from './errors.js';

interface TimelapseFlags {
  models?: string;
  out?: string;
  frames: number;
  fps: number;
  size?: number;
}

/** Where the file goes: `--out` as given (a folder gets timelapse.webp inside), else the output folder. */
async function outputFile(out: string | undefined, outputDir: string): Promise<string> {
  if (out === undefined) return join(outputDir, 'timelapse.webp');
  const path = resolve(out);
  if ((await stat(path).catch(() => undefined))?.isDirectory()) return join(path, 'timelapse.webp');
  if (extname(path).toLowerCase() !== '.webp') {
    throw new UsageError(
      `--out should name a .webp file (found '${out}'): the timelapse is an animated WebP.`,
    );
  }
  return path;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

export function registerTimelapseCommand(
  program: Command,
  io: { print(line: string): void; warn(line: string): void } = {
    print: (line) => console.log(line),
    warn: (line) => console.error(line),
  },
): void {
  program
    .command('timelapse')
    .description(
      "animate the run's fixed-seed sample grids, from noise to nightmare, as a looping WebP small " +
        "enough for Discord's 10 MiB upload limit",
    )
    .option('--models <dir>', 'the models folder whose samples/ to animate (default: NIGHTMASK_MODELS_DIR)')
    .option(
      '-o, --out <file>',
      'the .webp file to write (default: timelapse.webp under NIGHTMASK_OUTPUT_DIR)',
    )
    .option(
      '-n, --frames <n>',
      'at most this many grids, spread evenly over the run (first and last always in)',
      intOption(2, 150),
      TIMELAPSE_DEFAULTS.maxFrames,
    )
    .option(
      '--fps <f>',
      'frames per second (the last frame is held longer)',
      numberOption(0.5, 50),
      TIMELAPSE_DEFAULTS.fps,
    )
    .option('--size <px>', "frame width in pixels (default: the grids' own width)", intOption(64, 1024))
    .action(async (opts: TimelapseFlags) => {
      const config = loadConfig();
      const modelsDir = opts.models === undefined ? config.paths.modelsDir : resolve(opts.models);
      const samplesDir = opts.models === undefined ? config.paths.samplesDir : join(modelsDir, 'samples');
      const out = await outputFile(opts.out, config.paths.outputDir);

      const made = await makeTimelapse(
        { modelsDir, samplesDir },
        {
          maxFrames: opts.frames,
          fps: opts.fps,
          ...(opts.size !== undefined && { widthPx: opts.size }),
          onWarning: (message) => io.warn(`warning: ${message}`),
        },
      ).catch((err: unknown) => {
        throw err instanceof TimelapseError ? new UsageError(err.message) : err;
      });
      await mkdir(dirname(out), { recursive: true });
      await writeFileAtomic(out, made.webp);

      io.print(out);
      const steps = `steps ${made.firstStep.toLocaleString('en-US')} to ${made.lastStep.toLocaleString('en-US')}`;
      io.warn(
        `wrote ${made.frames} of ${made.gridsAvailable} sample grids (${steps}), ` +
          `${made.widthPx}x${made.heightPx} px at ${made.fps} fps: ${mib(made.bytes)} in ` +
          `${(made.renderMs / 1000).toFixed(1)} s`,
      );
      if (made.attempts > 1) {
        io.warn(
          `made smaller to stay under ${mib(TIMELAPSE_DEFAULTS.maxBytes)}: ${made.frames} frames, ` +
            `${made.widthPx} px wide, quality ${made.quality}`,
        );
      }
    });
}

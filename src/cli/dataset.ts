import { type Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { loadConfig } from '../config/config.js';
import { buildDemoDataset } from '../dataset/demo.js';
import { DatasetError } from '../dataset/errors.js';
import { DEFAULT_MAX_PIXELS, type IngestReport, ingestFolder, QUARANTINE_FILE } from '../dataset/ingest.js';
import { SIZE_PX_RANGE } from '../dataset/options.js';
import { createLogger, type Logger } from '../log/logger.js';
import { plannedSizePx } from '../trainer/run-setup.js';

/** What the dataset commands print to and log with; the main CLI and tests may pass their own. */
export interface DatasetCommandDeps {
  logger?: Logger;
  /** One line of the human summary; console.log by default. */
  print?: (line: string) => void;
}

/** Fills in the flags left out: the configured dataset folder and the size the trainer will use. */
async function withDefaults<T extends { size?: number; out?: string }>(
  flags: T,
): Promise<T & { size: number; out: string }> {
  const config = loadConfig();
  const size = flags.size ?? (await plannedSizePx(config));
  return { ...flags, size, out: flags.out ?? config.paths.datasetDir };
}

/** Fewer images than this and a GAN mostly learns to copy them. */
const FEW_IMAGES = 200;

/** The quarantined files listed on screen; quarantine.json holds them all. */
const LISTED_QUARANTINE = 20;

/**
 * Adds `dataset` (build the demo set from packaged emoji art) and `ingest <folder>` (build the set from
 * the user's pictures) to the program. Both print a summary with counts; bad input ends the command with
 * exit code 1 and a message that says what to change.
 */
export function registerDatasetCommands(program: Command, deps: DatasetCommandDeps = {}): void {
  const print = deps.print ?? ((line: string) => console.log(line));
  // Progress goes to stderr as JSON lines, so stdout carries only the summary.
  const logger = () => deps.logger ?? createLogger({ destination: pino.destination(2) });

  program
    .command('dataset')
    .description(
      'build the demo training set from emoji art installed with nightmask (Noto, optionally more)',
    )
    .option(
      '--size <px>',
      'training image size in pixels (default: the size the trainer will train at)',
      sizePx,
    )
    .option('--twemoji', 'add Twemoji art (CC BY 4.0)', false)
    .option('--fluent3d', 'add Fluent Emoji 3D art (MIT)', false)
    .option('--out <dir>', 'dataset folder to write (default: the dataset folder under NIGHTMASK_DATA_DIR)')
    .option('--limit <n>', 'render at most this many images (for a quick try)', wholeNumber('--limit'))
    .action(async (flags: DemoFlags, command: Command) => {
      try {
        const options = await withDefaults(flags);
        const result = await buildDemoDataset({
          outDir: options.out,
          sizePx: options.size,
          sources: { twemoji: options.twemoji, fluent3d: options.fluent3d },
          ...(options.limit === undefined ? {} : { limit: options.limit }),
          logger: logger(),
        });
        const perSource = Object.entries(result.bySource).map(([name, count]) => `${name} ${count}`);
        const out = printable(options.out);
        print(`Demo dataset written to ${out}: ${result.count} images of ${options.size} px.`);
        print(`  by source: ${perSource.join(', ')}`);
        print(`  exact duplicates dropped: ${result.duplicates}`);
        print(`  credits and licences: ${out}/CREDITS.md and ${out}/LICENSES/`);
      } catch (err) {
        failWith(command, err);
      }
    });

  program
    .command('ingest')
    .description('build the training set from your own pictures (the files are only read, never changed)')
    .argument('<folder>', 'folder of pictures; subfolders are included, hidden files skipped')
    .option(
      '--size <px>',
      'training image size in pixels (default: the size the trainer will train at)',
      sizePx,
    )
    .addOption(
      new Option('--fit <mode>', 'crop to a centred square, or pad the whole picture with grey')
        .choices(['crop', 'pad'])
        .default('crop'),
    )
    .option(
      '--max-pixels <n>',
      'refuse pictures with more pixels than this',
      wholeNumber('--max-pixels'),
      DEFAULT_MAX_PIXELS,
    )
    .option(
      '--min-side <px>',
      'refuse pictures whose shorter side is smaller (default: half of --size)',
      wholeNumber('--min-side'),
    )
    .option('--out <dir>', 'dataset folder to write (default: the dataset folder under NIGHTMASK_DATA_DIR)')
    .action(async (folder: string, flags: IngestFlags, command: Command) => {
      try {
        const options = await withDefaults(flags);
        const report = await ingestFolder({
          srcDir: folder,
          outDir: options.out,
          sizePx: options.size,
          fit: options.fit,
          maxPixels: options.maxPixels,
          ...(options.minSide === undefined ? {} : { minSidePx: options.minSide }),
          logger: logger(),
        });
        const [out, src] = [printable(options.out), printable(report.srcDir)];
        print(`Dataset written to ${out} from ${src} (${options.fit}, ${options.size} px).`);
        printReport(report, print);
        if (report.quarantined.length > 0) print(`  full list: ${out}/${QUARANTINE_FILE}`);
        if (report.used < FEW_IMAGES) {
          print(
            `  note: ${report.used} images is few; a GAN wants a few hundred at least, a few thousand is better.`,
          );
        }
        print(
          '  The trainer uses it from its next start; a running bot takes it with /train retrain mode:finetune.',
        );
      } catch (err) {
        if (err instanceof DatasetError && err.code === 'nothing-usable') {
          printReport(err.details.report as IngestReport, print);
        }
        failWith(command, err);
      }
    });
}

interface DemoFlags {
  size?: number;
  twemoji: boolean;
  fluent3d: boolean;
  out?: string;
  limit?: number;
}

interface IngestFlags {
  size?: number;
  fit: 'crop' | 'pad';
  maxPixels: number;
  minSide?: number;
  out?: string;
}

function printReport(report: IngestReport, print: (line: string) => void): void {
  const quarantined = report.quarantined.length;
  print(
    `  read ${report.read}, used ${report.used}, duplicates ${report.duplicates}, quarantined ${quarantined}`,
  );
  if (quarantined === 0) return;

  const byReason = Object.entries(report.quarantinedByReason)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason} ${count}`);
  print(`  quarantined by reason: ${byReason.join(', ')}`);
  for (const file of report.quarantined.slice(0, LISTED_QUARANTINE)) {
    print(`    ${printable(file.path)}: ${file.reason} (${printable(file.detail)})`);
  }
  if (quarantined > LISTED_QUARANTINE) print(`    … and ${quarantined - LISTED_QUARANTINE} more`);
}

/**
 * Characters besides the control characters that can fake or hide text on a terminal: line and
 * paragraph separators, and the marks that change the direction of text.
 */
const INVISIBLE_MARKS = /[\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` safe to print on one line: control characters and invisible marks written as escapes (\n,
 * \x1b, \u202e). A file name may hold a newline that would fake a line of the summary, or an escape
 * sequence that would rewrite the screen; the printed name then still tells which file it is.
 */
function printable(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (!/\p{Cc}/u.test(char) && !INVISIBLE_MARKS.test(char)) out += char;
    else out += NAMED_ESCAPES[char] ?? (code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
  }
  return out;
}

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

/** Ends the command: a DatasetError's message is for the user as it is; anything else is a bug, rethrown. */
function failWith(command: Command, err: unknown): never {
  if (err instanceof DatasetError) {
    command.error(`error: ${printable(err.message)}`, { exitCode: 1, code: err.code });
  }
  throw err;
}

function sizePx(value: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < SIZE_PX_RANGE.min || size > SIZE_PX_RANGE.max) {
    throw new InvalidArgumentError(
      `Expected a whole number of pixels from ${SIZE_PX_RANGE.min} to ${SIZE_PX_RANGE.max}, ` +
        `found "${value}".`,
    );
  }
  return size;
}

function wholeNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(
        `Expected ${flag} to be a whole number of at least 1, found "${value}".`,
      );
    }
    return n;
  };
}

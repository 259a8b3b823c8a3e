/**
 * A human-readable rendering of the JSON log lines, for people watching a terminal:
 * `17:02:11 INFO  trainer  checkpoint saved  step=5 path=models/checkpoints/step-000000005`.
 * Files, pipes and log collectors keep getting one JSON object per line.
 */
const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const COLOURS: Record<number, string> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[31m' };
const HIDDEN = new Set(['level', 'time', 'pid', 'msg', 'subsystem', 'hostname']);

function field(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** Formats one pino JSON line; anything that is not one is passed through unchanged. */
export function prettyLine(line: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = Number(entry.level);
  const time = new Date(Number(entry.time)).toTimeString().slice(0, 8);
  const subsystem = typeof entry.subsystem === 'string' ? entry.subsystem.padEnd(10) : ''.padEnd(10);
  const err = entry.err as { message?: string; stack?: string } | undefined;
  const rest = Object.entries(entry)
    .filter(([k]) => !HIDDEN.has(k) && k !== 'err')
    .map(([k, v]) => `${k}=${field(v)}`)
    .join(' ');
  const head = `${time} ${LEVELS[level] ?? level} ${subsystem} ${String(entry.msg ?? '')}`;
  const text = `${head}${rest ? `  ${rest}` : ''}${err ? `\n    ${err.stack ?? err.message}` : ''}`;
  const paint = colour ? COLOURS[level] : undefined;
  return paint ? `${paint}${text}\x1b[0m` : text;
}

/** A pino destination that writes pretty lines to stdout. */
export const prettyStdout = {
  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line) process.stdout.write(`${prettyLine(line, true)}\n`);
  },
};

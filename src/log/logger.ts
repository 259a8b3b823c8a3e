import pino, { type Logger } from 'pino';
import { prettyStdout } from './pretty.js';

export type { Logger };

/**
 * The process-wide logger: one JSON object per line on stdout, numeric levels, errors under `err`;
 * on a terminal the same lines are shown readably unless NIGHTMASK_LOG_FORMAT=json.
 * Subsystems take a child (`logger.child({ subsystem: 'trainer' })`) rather than a new logger.
 * `NIGHTMASK_LOG_LEVEL` is read here, before configuration, so that config errors can be logged too.
 */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  // An invalid level falls back to info here; the configuration check then reports it properly.
  const wanted = options.level ?? process.env.NIGHTMASK_LOG_LEVEL ?? 'info';
  const level = wanted in pino.levels.values || wanted === 'silent' ? wanted : 'info';
  const redact = { paths: ['token', '*.token', 'config.discordToken', 'discordToken'], censor: '[redacted]' };
  const base = { level, redact, base: { pid: process.pid } };
  if (options.destination) return pino(base, options.destination);
  const pretty = process.stdout.isTTY === true && process.env.NIGHTMASK_LOG_FORMAT !== 'json';
  return pretty ? pino(base, prettyStdout) : pino(base);
}

/** A logger that drops everything, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });

import cron from 'node-cron';
import type { Logger } from '../log/logger.js';

/**
 * The one thing the scheduler needs from node-cron: "call this at these wall-clock minutes in that
 * zone". Behind this seam tests fire tasks from a fake clock instead of waiting for real minutes.
 */
export interface CronSeam {
  /** Starts a task; `run` must not reject (the scheduler's never do). */
  schedule(expression: string, run: () => Promise<void>, options: CronTaskOptions): CronHandle;
}

export interface CronTaskOptions {
  readonly name: string;
  /** IANA zone the expression is read in; UTC when left out. */
  readonly timeZone?: string;
}

export interface CronHandle {
  stop(): void;
}

/**
 * node-cron behind the seam. Its timers are unref'd unless `keepAlive` is set: in the bot the Discord
 * client keeps the process up and shutdown should not wait on a timer; local mode, where the scheduler may
 * be all that runs, passes `keepAlive: true`.
 */
export function nodeCronSeam(logger: Logger, options: { keepAlive?: boolean } = {}): CronSeam {
  // node-cron logs to the console by default; route its warnings (missed runs) into our logs.
  const cronLogger = {
    info: (message: string) => logger.debug({ source: 'node-cron' }, message),
    warn: (message: string) => logger.warn({ source: 'node-cron' }, message),
    error: (message: string | Error, err?: Error) =>
      logger.error({ source: 'node-cron', err }, String(message)),
    debug: (message: string | Error) => logger.trace({ source: 'node-cron' }, String(message)),
  };

  return {
    schedule(expression, run, taskOptions) {
      const task = cron.createTask(expression, () => run(), {
        name: taskOptions.name,
        logger: cronLogger,
        unref: !options.keepAlive,
        ...(taskOptions.timeZone === undefined ? {} : { timezone: taskOptions.timeZone }),
      });
      void task.start();
      return { stop: () => void task.destroy() };
    },
  };
}

/** The node-cron expression for a daily run at `hour:minute`. */
export function dailyAt(hour: number, minute: number): string {
  return `${minute} ${hour} * * *`;
}

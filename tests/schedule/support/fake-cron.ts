import cron, { type ScheduledTask } from 'node-cron';
import type { CronHandle, CronSeam, CronTaskOptions } from '../../../src/schedule/cron.js';

interface FakeTask {
  readonly expression: string;
  readonly options: CronTaskOptions;
  readonly run: () => Promise<void>;
  /** A stopped node-cron task, used only for its matcher: node-cron's own idea of "now matches". */
  readonly matcher: ScheduledTask;
}

/**
 * Cron driven by the test's clock. `fireAt(now)` runs every task whose expression node-cron says matches
 * that minute in its zone, so DST quirks of the real matcher show up here too; `fire(name)` forces one.
 */
export class FakeCron implements CronSeam {
  private readonly tasks = new Set<FakeTask>();
  /** Every firing, by task name and the test clock's instant, for asserting what cron did. */
  readonly fired: { name: string; at: number }[] = [];

  schedule(expression: string, run: () => Promise<void>, options: CronTaskOptions): CronHandle {
    const matcher = cron.createTask(
      expression,
      () => {},
      options.timeZone ? { timezone: options.timeZone } : {},
    );
    const task = { expression, options, run, matcher };
    this.tasks.add(task);
    return {
      stop: () => {
        void matcher.destroy();
        this.tasks.delete(task);
      },
    };
  }

  /** What is scheduled now, e.g. `nightly-g1 30 1 * * * Europe/London`. */
  list(): string[] {
    return [...this.tasks].map((t) => `${t.options.name} ${t.expression} ${t.options.timeZone ?? 'UTC'}`);
  }

  /** Fires, one after another, the tasks node-cron would run in the minute starting at `now`. */
  async fireAt(now: number): Promise<number> {
    const due = [...this.tasks].filter((task) => task.matcher.match(new Date(now)));
    for (const task of due) {
      this.fired.push({ name: task.options.name, at: now });
      await task.run();
    }
    return due.length;
  }

  /** Fires every task with this name, due or not: a cron that wakes when it should not. */
  async fire(name: string): Promise<void> {
    for (const task of [...this.tasks]) if (task.options.name === name) await task.run();
  }
}

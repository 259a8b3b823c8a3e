/** The nightly schedule: `NightlyScheduler` and the pure season and time arithmetic behind it. */
export type { NightOutcome } from './attempt.js';
export { addDays, formatDate, type LocalDate, parseDate } from './calendar.js';
export { type CronHandle, type CronSeam, type CronTaskOptions, nodeCronSeam } from './cron.js';
export { instantAt, localDateAt, wallClockAt } from './localtime.js';
export {
  DEFAULT_GRACE_MS,
  NightlyScheduler,
  type NightlySchedulerOptions,
  type NowOutcome,
} from './nightly.js';
export { type Night, type PostFn, type PostResult, type SkipReason, skipNotice } from './post.js';
export {
  countdownText,
  DEFAULT_SEASON_START,
  describeNight,
  HALLOWEEN,
  isInSeason,
  type NightInfo,
  nextSeasonStart,
  nightsUntilHalloween,
} from './season.js';
export { nextSlot, parseSchedule, type Schedule, type Slot } from './slots.js';

import type { GuildSettings } from '../store/guilds.js';
import {
  checkSeasonStart,
  checkTimeOfDay,
  checkTimeZone,
  type MonthDay,
  type Result,
  type TimeOfDay,
  type ValidationError,
} from '../store/validate.js';
import { addDays, formatDate, type LocalDate } from './calendar.js';
import { instantAt, localDateAt } from './localtime.js';
import { DEFAULT_SEASON_START, isInSeason, nextSeasonStart } from './season.js';

/**
 * When each server's nightly post is due. These are pure functions of the settings and an instant;
 * the scheduler asks them every minute and node-cron only decides how promptly it asks.
 */

/** The settings the slot arithmetic needs; `GuildSettings` has them all. */
export type SlotSettings = Pick<GuildSettings, 'time' | 'timeZone' | 'seasonStart' | 'scheduleChangedAt'>;

/** A server's schedule in parsed form. */
export interface Schedule {
  readonly time: TimeOfDay;
  readonly timeZone: string;
  readonly seasonStart: MonthDay;
  /** Slots before this instant were never meant to happen (the time was set after them). */
  readonly since: number;
}

/** One night's post: the local night it belongs to and the instant it is due. */
export interface Slot {
  readonly nightDate: LocalDate;
  /** `nightDate` as `YYYY-MM-DD`, the ledger key. */
  readonly night: string;
  readonly at: number;
}

/**
 * Parses stored settings. They were validated on the way in, so an error here means the data changed
 * underneath (say, a zone ICU no longer knows); the scheduler logs it and leaves the server alone.
 */
export function parseSchedule(settings: SlotSettings): Result<Schedule, ValidationError> {
  const time = checkTimeOfDay(settings.time);
  if (!time.ok) return time;
  const zone = checkTimeZone(settings.timeZone);
  if (!zone.ok) return zone;
  const start = settings.seasonStart === null ? null : checkSeasonStart(settings.seasonStart);
  if (start && !start.ok) return start;
  const schedule = {
    time: time.value,
    timeZone: zone.value,
    seasonStart: start?.value ?? DEFAULT_SEASON_START,
    since: settings.scheduleChangedAt,
  };
  return { ok: true, value: schedule };
}

/** The slot of the night of `date`, by the DST policy of `instantAt`. */
export function slotOn(date: LocalDate, schedule: Schedule): Slot {
  return { nightDate: date, night: formatDate(date), at: instantAt(date, schedule.time, schedule.timeZone) };
}

/**
 * Slots that should be posted at `now`: in season, already begun, less than `graceMs` ago, and not
 * before the schedule was set. Yesterday is checked as well as today, so a post at 23:50 that was missed
 * is still caught up at 00:10. With `graceMs` under a day at most one slot is due.
 */
export function dueSlots(schedule: Schedule, now: number, graceMs: number): Slot[] {
  const today = localDateAt(now, schedule.timeZone);
  return [addDays(today, -1), today]
    .filter((date) => isInSeason(date, schedule.seasonStart))
    .map((date) => slotOn(date, schedule))
    .filter((slot) => slot.at <= now && now < slot.at + graceMs && slot.at >= schedule.since);
}

/** The first in-season slot after `now`, for `/nightmare status` and for logs. */
export function nextSlot(schedule: Schedule, now: number): Slot {
  let date = localDateAt(now, schedule.timeZone);
  // Two steps at most: today's slot may have passed, and tomorrow may be out of season.
  for (;;) {
    if (!isInSeason(date, schedule.seasonStart)) date = nextSeasonStart(date, schedule.seasonStart);
    const slot = slotOn(date, schedule);
    if (slot.at > now) return slot;
    date = addDays(date, 1);
  }
}

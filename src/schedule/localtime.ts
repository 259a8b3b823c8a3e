import type { TimeOfDay } from '../store/validate.js';
import type { LocalDate } from './calendar.js';

/**
 * Local wall time <-> UTC instant in an IANA zone, with nothing but Intl.
 *
 * Policy for the two hours a year when wall time and instants do not pair up one to one:
 * - a wall time that does not exist (the spring-forward gap, 02:30 in New York on 2027-03-14) maps to the
 *   first instant after the gap (03:00 EDT), so a post set inside the gap is late, not lost;
 * - a wall time that happens twice (the fall-back overlap, 01:30 in London on 2027-10-31) maps to its
 *   first occurrence only (01:30 BST), so the post goes out once, at the earlier of the two.
 */

export interface LocalDateTime extends LocalDate, TimeOfDay {
  readonly second: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building a DateTimeFormat is slow and the schedule asks every minute; keep one per zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      // h23, not hour12: false, which some ICU versions render as "24" at midnight.
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** What a wall clock in `timeZone` shows at `instantMs`. Throws a RangeError for an unknown zone. */
export function wallClockAt(instantMs: number, timeZone: string): LocalDateTime {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const field = (name: string) => fields[name] ?? 0;
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
  };
}

/** The local calendar date at `instantMs` in `timeZone`. */
export function localDateAt(instantMs: number, timeZone: string): LocalDate {
  const { year, month, day } = wallClockAt(instantMs, timeZone);
  return { year, month, day };
}

/** The zone's offset from UTC at `instantMs`, in ms (positive east of Greenwich). */
export function offsetMsAt(instantMs: number, timeZone: string): number {
  const wall = wallClockAt(instantMs, timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` shows `time` on `date`, by the policy above.
 *
 * The zone's offsets a day before and a day after give the only two candidates (a zone changes its
 * offset at most once in two days; none of today's zones is an exception). A candidate that reads back
 * as the wanted wall time is real; with two, the earlier wins; with none, the time fell in a gap.
 */
export function instantAt(date: LocalDate, time: TimeOfDay, timeZone: string): number {
  const wallAsUtc = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  const offsetBefore = offsetMsAt(wallAsUtc - DAY_MS, timeZone);
  const offsetAfter = offsetMsAt(wallAsUtc + DAY_MS, timeZone);

  const real = [wallAsUtc - offsetBefore, wallAsUtc - offsetAfter]
    .filter((instant) => instant + offsetMsAt(instant, timeZone) === wallAsUtc)
    .sort((a, b) => a - b);
  if (real[0] !== undefined) return real[0];

  // In the gap the clock jumped forward: the later offset is the larger, so this bracket is ordered.
  return firstInstantWithOffset(wallAsUtc - offsetAfter, wallAsUtc - offsetBefore, timeZone);
}

/**
 * The transition instant in (lo, hi]: the first whole second whose offset differs from lo's. Zones
 * change offset on whole seconds, so a binary search over seconds finds it in about twelve steps.
 */
function firstInstantWithOffset(lo: number, hi: number, timeZone: string): number {
  const offsetAtLo = offsetMsAt(lo, timeZone);
  let low = lo;
  let high = hi;
  while (high - low > 1000) {
    const mid = low + Math.floor((high - low) / 2000) * 1000;
    if (offsetMsAt(mid, timeZone) === offsetAtLo) low = mid;
    else high = mid;
  }
  return high;
}

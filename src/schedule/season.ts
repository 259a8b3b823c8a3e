import type { MonthDay } from '../store/validate.js';
import { compareDates, daysBetween, type LocalDate } from './calendar.js';

/**
 * The season arithmetic, on local calendar dates. A season runs from its start (1 October unless a server
 * chose another day) through Halloween, 31 October of the same year; Halloween's post is the finale.
 */

export const DEFAULT_SEASON_START: MonthDay = Object.freeze({ month: 10, day: 1 });
export const HALLOWEEN: MonthDay = Object.freeze({ month: 10, day: 31 });

/** Where a night stands in the season, for the post and for `/nightmare status`. */
export type NightInfo =
  | {
      readonly inSeason: true;
      readonly nightsUntilHalloween: number;
      readonly countdown: string;
      readonly isFinale: boolean;
    }
  | { readonly inSeason: false; readonly nextSeasonStart: LocalDate };

const onYear = (year: number, day: MonthDay): LocalDate => ({ year, month: day.month, day: day.day });

/** The first night and the finale of the season that ends in `year`. */
export function seasonOfYear(year: number, start: MonthDay = DEFAULT_SEASON_START) {
  return { start: onYear(year, start), halloween: onYear(year, HALLOWEEN) };
}

/** True from the season's first night through Halloween, both included. */
export function isInSeason(date: LocalDate, start: MonthDay = DEFAULT_SEASON_START): boolean {
  const season = seasonOfYear(date.year, start);
  return compareDates(date, season.start) >= 0 && compareDates(date, season.halloween) <= 0;
}

/** Nights from `date` to the coming Halloween: 0 on Halloween, next year's once this one has passed. */
export function nightsUntilHalloween(date: LocalDate): number {
  const thisYear = daysBetween(date, onYear(date.year, HALLOWEEN));
  return thisYear >= 0 ? thisYear : daysBetween(date, onYear(date.year + 1, HALLOWEEN));
}

/** "7 nights until Halloween", "1 night until Halloween", and the finale's line on Halloween itself. */
export function countdownText(nights: number): string {
  if (nights === 0) return 'Halloween night: the final nightmare.';
  return `${nights} ${nights === 1 ? 'night' : 'nights'} until Halloween`;
}

/** The first night of the next season that has not begun yet, as of `date`. */
export function nextSeasonStart(date: LocalDate, start: MonthDay = DEFAULT_SEASON_START): LocalDate {
  const thisYear = onYear(date.year, start);
  return compareDates(date, thisYear) < 0 ? thisYear : onYear(date.year + 1, start);
}

/** Everything the nightly post and `/nightmare status` need to know about `date`. */
export function describeNight(date: LocalDate, start: MonthDay = DEFAULT_SEASON_START): NightInfo {
  if (!isInSeason(date, start)) return { inSeason: false, nextSeasonStart: nextSeasonStart(date, start) };
  const nights = nightsUntilHalloween(date);
  return {
    inSeason: true,
    nightsUntilHalloween: nights,
    countdown: countdownText(nights),
    isFinale: nights === 0,
  };
}

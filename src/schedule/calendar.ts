/**
 * Calendar dates without a time or a zone ("the night of 2027-10-31"). Arithmetic goes through UTC
 * midnight, where every day has 24 hours, so adding days never trips over a clock change.
 */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const DAY_MS = 86_400_000;

const utcMidnight = (date: LocalDate): number => Date.UTC(date.year, date.month - 1, date.day);

function fromUtcMidnight(ms: number): LocalDate {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** `YYYY-MM-DD`, the form the ledger keys nights by. */
export function formatDate(date: LocalDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Parses `YYYY-MM-DD`; null for anything else, including days that do not exist (2027-02-29). */
export function parseDate(text: string): LocalDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return formatDate(fromUtcMidnight(utcMidnight(date))) === text ? date : null;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtcMidnight(utcMidnight(date) + days * DAY_MS);
}

/** Whole days from `from` to `to`; negative when `to` is earlier. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS);
}

/** Negative, zero or positive, as for `Array.prototype.sort`. */
export function compareDates(a: LocalDate, b: LocalDate): number {
  return utcMidnight(a) - utcMidnight(b);
}

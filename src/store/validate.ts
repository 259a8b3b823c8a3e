/**
 * Checks for the values moderators type into `/nightmare`: a time of day, an IANA time zone and a season
 * start. They return a value rather than throw, so a command can show the message to the moderator as is.
 */

/** An expected failure as a value; `error` is meant to be shown to the person who typed the input. */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export interface ValidationError {
  readonly kind: 'bad-time' | 'bad-time-zone' | 'bad-season-start';
  /** What was given, quoted back in `message`. */
  readonly input: string;
  readonly message: string;
}

/** A wall-clock time with minute precision, as moderators set it. */
export interface TimeOfDay {
  readonly hour: number;
  readonly minute: number;
}

/** A day of the year without a year, e.g. the first night of the season. */
export interface MonthDay {
  readonly month: number;
  readonly day: number;
}

const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
const fail = (kind: ValidationError['kind'], input: string, message: string) =>
  ({ ok: false, error: { kind, input, message } }) as const;

/** Parses a 24-hour `HH:MM` time, e.g. `21:00` (`7:05` is read as 07:05). */
export function checkTimeOfDay(input: string): Result<TimeOfDay, ValidationError> {
  const match = /^(\d{1,2}):(\d{2})$/.exec(input.trim());
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || hour > 23 || minute > 59) {
    return fail('bad-time', input, `Expected a 24-hour time like 21:00, got "${input}".`);
  }
  return ok({ hour, minute });
}

/** Formats a time of day back to the `HH:MM` form the store keeps. */
export function formatTimeOfDay(time: TimeOfDay): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}

/**
 * Checks an IANA zone name against the zones this Node's ICU knows, and returns its canonical spelling
 * (`america/new_york` becomes `America/New_York`) so the store and node-cron always see one name.
 */
export function checkTimeZone(input: string): Result<string, ValidationError> {
  const name = input.trim();
  try {
    // The constructor is the only portable check: it throws a RangeError for names ICU does not know.
    return ok(new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone);
  } catch {
    const hint = 'Use an IANA name such as Europe/London or America/New_York.';
    return fail('bad-time-zone', input, `Unknown time zone "${input}". ${hint}`);
  }
}

/**
 * Parses a season start `MM-DD`. It must be a day every year has (so not 02-29) and fall on or before
 * Halloween, because the season always ends on 31 October of the year it starts.
 */
export function checkSeasonStart(input: string): Result<MonthDay, ValidationError> {
  const match = /^(\d{2})-(\d{2})$/.exec(input.trim());
  const month = Number(match?.[1]);
  const day = Number(match?.[2]);

  // 2001 is not a leap year, so a date that survives the round trip exists in every year.
  const probe = new Date(Date.UTC(2001, month - 1, day));
  const exists = match !== null && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
  if (!exists) {
    return fail('bad-season-start', input, `Expected a day like 10-01 (MM-DD, not 02-29), got "${input}".`);
  }
  if (month > 10) {
    return fail(
      'bad-season-start',
      input,
      `The season ends on Halloween (10-31); "${input}" starts after it.`,
    );
  }
  return ok({ month, day });
}

/** Formats a month and day back to `MM-DD`. */
export function formatMonthDay(date: MonthDay): string {
  return `${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

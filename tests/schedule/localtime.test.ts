import { describe, expect, it } from 'vitest';
import { addDays, formatDate, parseDate } from '../../src/schedule/calendar.js';
import { instantAt, localDateAt, offsetMsAt, wallClockAt } from '../../src/schedule/localtime.js';

const iso = (ms: number) => new Date(ms).toISOString();
const d = (year: number, month: number, day: number) => ({ year, month, day });
const t = (hour: number, minute: number) => ({ hour, minute });

describe('local time <-> instant', () => {
  it('given an ordinary day, then a wall time maps to its instant and back', () => {
    const at = instantAt(d(2027, 10, 13), t(21, 0), 'America/New_York');
    expect(iso(at)).toBe('2027-10-14T01:00:00.000Z');
    expect(wallClockAt(at, 'America/New_York')).toEqual({ ...d(2027, 10, 13), ...t(21, 0), second: 0 });
    expect(formatDate(localDateAt(at, 'America/New_York'))).toBe('2027-10-13');
    expect(formatDate(localDateAt(at, 'UTC'))).toBe('2027-10-14');
  });

  it('given 02:30 on 2027-03-14 in New York, which does not exist, then it maps to 03:00 EDT', () => {
    const at = instantAt(d(2027, 3, 14), t(2, 30), 'America/New_York');
    expect(iso(at)).toBe('2027-03-14T07:00:00.000Z');
    expect(wallClockAt(at, 'America/New_York')).toMatchObject(t(3, 0));
    // The minute before it is still winter time, 01:59 EST.
    expect(wallClockAt(at - 60_000, 'America/New_York')).toMatchObject(t(1, 59));
  });

  it('given 01:30 on 2027-10-31 in London, which happens twice, then it maps to the first, in BST', () => {
    const at = instantAt(d(2027, 10, 31), t(1, 30), 'Europe/London');
    expect(iso(at)).toBe('2027-10-31T00:30:00.000Z');
    expect(offsetMsAt(at, 'Europe/London')).toBe(60 * 60_000);
    // An hour later the wall clock shows 01:30 again, now in GMT; that occurrence is not chosen.
    expect(wallClockAt(at + 60 * 60_000, 'Europe/London')).toMatchObject(t(1, 30));
  });

  it('given the edges of the gap and the overlap, then times just outside them are exact', () => {
    expect(iso(instantAt(d(2027, 3, 14), t(1, 59), 'America/New_York'))).toBe('2027-03-14T06:59:00.000Z');
    expect(iso(instantAt(d(2027, 3, 14), t(3, 0), 'America/New_York'))).toBe('2027-03-14T07:00:00.000Z');
    expect(iso(instantAt(d(2027, 10, 31), t(0, 59), 'Europe/London'))).toBe('2027-10-30T23:59:00.000Z');
    expect(iso(instantAt(d(2027, 10, 31), t(2, 0), 'Europe/London'))).toBe('2027-10-31T02:00:00.000Z');
  });

  it('given a zone that skips a whole day-boundary hour, then midnight in the gap maps after it', () => {
    // Santiago springs forward at 24:00 on 2027-09-04: 00:00 to 00:59 on the 5th do not exist.
    const at = instantAt(d(2027, 9, 5), t(0, 30), 'America/Santiago');
    expect(wallClockAt(at, 'America/Santiago')).toMatchObject({ ...d(2027, 9, 5), ...t(1, 0) });
  });

  it('given a half-hour zone, then the offset is kept to the minute', () => {
    expect(iso(instantAt(d(2027, 10, 13), t(21, 0), 'Asia/Kolkata'))).toBe('2027-10-13T15:30:00.000Z');
  });

  it('given calendar arithmetic across month and year ends, then dates roll over', () => {
    expect(formatDate(addDays(d(2027, 12, 31), 1))).toBe('2028-01-01');
    expect(formatDate(addDays(d(2028, 3, 1), -1))).toBe('2028-02-29');
    expect(parseDate('2027-02-29')).toBeNull();
    expect(parseDate('2027-10-31')).toEqual(d(2027, 10, 31));
  });
});

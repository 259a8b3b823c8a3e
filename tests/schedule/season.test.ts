import { describe, expect, it } from 'vitest';
import { parseDate } from '../../src/schedule/calendar.js';
import {
  countdownText,
  describeNight,
  isInSeason,
  nextSeasonStart,
  nightsUntilHalloween,
} from '../../src/schedule/season.js';

const day = (text: string) => {
  const date = parseDate(text);
  if (!date) throw new Error(`bad test date ${text}`);
  return date;
};

describe('season and countdown', () => {
  it('given 30 September, then it is outside the season and the season starts the next day', () => {
    expect(describeNight(day('2027-09-30'))).toEqual({
      inSeason: false,
      nextSeasonStart: day('2027-10-01'),
    });
  });

  it('given 1 October, then it is the first night with 30 nights to go', () => {
    expect(describeNight(day('2027-10-01'))).toEqual({
      inSeason: true,
      nightsUntilHalloween: 30,
      countdown: '30 nights until Halloween',
      isFinale: false,
    });
  });

  it('given 30 October, then the countdown says 1 night, singular', () => {
    expect(describeNight(day('2027-10-30'))).toMatchObject({
      countdown: '1 night until Halloween',
      isFinale: false,
    });
  });

  it('given 31 October, then it is the finale', () => {
    expect(describeNight(day('2027-10-31'))).toMatchObject({
      inSeason: true,
      nightsUntilHalloween: 0,
      countdown: 'Halloween night: the final nightmare.',
      isFinale: true,
    });
  });

  it('given 1 November, then it is outside the season and the next starts on 1 October next year', () => {
    expect(describeNight(day('2027-11-01'))).toEqual({
      inSeason: false,
      nextSeasonStart: day('2028-10-01'),
    });
    expect(nightsUntilHalloween(day('2027-11-01'))).toBe(365);
  });

  it('given a server that starts its season on 15 September, then September nights count down too', () => {
    const start = { month: 9, day: 15 };
    expect(isInSeason(day('2027-09-14'), start)).toBe(false);
    expect(describeNight(day('2027-09-15'), start)).toMatchObject({ countdown: '46 nights until Halloween' });
    expect(isInSeason(day('2027-11-01'), start)).toBe(false);
    expect(nextSeasonStart(day('2027-12-24'), start)).toEqual(day('2028-09-15'));
  });

  it('given a leap year, then the countdown counts 29 February', () => {
    expect(nightsUntilHalloween(day('2028-02-28'))).toBe(246);
    expect(nightsUntilHalloween(day('2027-02-28'))).toBe(245);
  });

  it('given counts of nights, then the text picks singular and plural', () => {
    expect(countdownText(7)).toBe('7 nights until Halloween');
    expect(countdownText(1)).toBe('1 night until Halloween');
  });
});

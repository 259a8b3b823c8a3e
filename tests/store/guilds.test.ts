import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { type FakeClock, fakeClock, storeFiles } from './support/temp-store.js';

describe('guild settings', () => {
  let files: ReturnType<typeof storeFiles>;
  let clock: FakeClock;
  let store: Store;

  beforeEach(() => {
    files = storeFiles();
    clock = fakeClock(Date.UTC(2027, 9, 1, 12, 0));
    store = files.open('guilds.sqlite', { now: clock });
  });
  afterEach(() => files.cleanup());

  it('given a first change, then the row is created with defaults for the rest', () => {
    const result = store.guilds.update('g1', { channelId: 'c1', enabled: true });
    expect(result).toMatchObject({
      ok: true,
      value: {
        guildId: 'g1',
        channelId: 'c1',
        time: '21:00',
        timeZone: 'UTC',
        enabled: true,
        seasonStart: null,
      },
    });
    expect(store.guilds.listEnabled().map((g) => g.guildId)).toEqual(['g1']);
  });

  it('given a zone in the wrong case, then it is stored under its canonical IANA name', () => {
    const result = store.guilds.update('g1', { timeZone: 'america/new_york', time: '7:05' });
    expect(result).toMatchObject({ ok: true, value: { timeZone: 'America/New_York', time: '07:05' } });
  });

  it('given bad input, then a clear error value comes back and nothing changes', () => {
    store.guilds.update('g1', { time: '20:00' });
    const zone = store.guilds.update('g1', { timeZone: 'Mars/Olympus_Mons', time: '22:00' });
    expect(zone).toMatchObject({ ok: false, error: { kind: 'bad-time-zone', input: 'Mars/Olympus_Mons' } });
    expect(zone.ok ? '' : zone.error.message).toMatch(
      /Unknown time zone "Mars\/Olympus_Mons".*Europe\/London/,
    );

    expect(store.guilds.update('g1', { time: '24:00' })).toMatchObject({
      ok: false,
      error: { kind: 'bad-time' },
    });
    expect(store.guilds.update('g1', { seasonStart: '11-01' })).toMatchObject({
      ok: false,
      error: { kind: 'bad-season-start' },
    });
    expect(store.guilds.update('g1', { seasonStart: '02-29' }).ok).toBe(false);
    expect(store.guilds.get('g1')?.time).toBe('20:00');
  });

  it('given a change of channel only, then the schedule-changed time stays where it was', () => {
    const created = store.guilds.update('g1', { time: '20:00', enabled: true });
    const since = created.ok ? created.value.scheduleChangedAt : -1;

    clock.advance(60_000);
    const channel = store.guilds.update('g1', { channelId: 'c2', time: '20:00' });
    expect(channel).toMatchObject({ ok: true, value: { scheduleChangedAt: since } });

    clock.advance(60_000);
    const moved = store.guilds.update('g1', { time: '20:30' });
    expect(moved).toMatchObject({ ok: true, value: { scheduleChangedAt: clock() } });
  });

  it('given null in a patch, then the field is cleared; left out, it is kept', () => {
    store.guilds.update('g1', { channelId: 'c1', moderatorRoleId: 'r1', seasonStart: '09-15' });
    store.guilds.update('g1', { moderatorRoleId: null, seasonStart: null });
    expect(store.guilds.get('g1')).toMatchObject({
      channelId: 'c1',
      moderatorRoleId: null,
      seasonStart: null,
    });
  });

  it('given a notice for moderators, then it is shown once', () => {
    store.guilds.update('g1', { enabled: true });
    store.guilds.setNotice('g1', 'No nightmare was posted for the night of 2027-10-12.');
    expect(store.guilds.takeNotice('g1')).toEqual({
      text: 'No nightmare was posted for the night of 2027-10-12.',
      at: clock(),
    });
    expect(store.guilds.takeNotice('g1')).toBeNull();
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { countByNight, nightlyWorld } from './support/harness.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('the nightly post across clock changes', () => {
  let world: ReturnType<typeof nightlyWorld>;
  afterEach(() => world.cleanup());

  it('given 02:30 in New York on 2027-03-14, which never happens, then that night posts once at 03:00 EDT', async () => {
    world = nightlyWorld(Date.UTC(2027, 2, 12, 12, 0));
    // A season starting in March, so that the spring change falls inside it.
    world.configure('g1', { time: '02:30', timeZone: 'America/New_York', seasonStart: '03-01' });
    const bot = world.startProcess();
    await bot.scheduler.start();

    // Local midnight on the 13th to local midnight on the 16th, a minute at a time.
    await world.runMinutes(Date.UTC(2027, 2, 13, 5, 0), Date.UTC(2027, 2, 16, 4, 0));

    expect(countByNight(world.channel.messages)).toEqual({
      '2027-03-13': 1,
      '2027-03-14': 1,
      '2027-03-15': 1,
    });
    expect(world.channel.messages.map((m) => iso(m.at))).toEqual([
      '2027-03-13T07:30:00.000Z', // 02:30 EST
      '2027-03-14T07:00:00.000Z', // the first minute after the gap, 03:00 EDT
      '2027-03-15T06:30:00.000Z', // 02:30 EDT
    ]);
    // node-cron's own matcher never fires 02:30 on the 14th: the minutely tick is what posted it.
    const cronFires = bot.cron.fired.filter((f) => f.name === 'nightly-g1').map((f) => iso(f.at));
    expect(cronFires).not.toContain('2027-03-14T07:00:00.000Z');
    expect(cronFires.filter((at) => at.startsWith('2027-03-14'))).toEqual([]);
    expect(world.calls).toHaveLength(3);
  });

  it('given 01:30 in London on 2027-10-31, which happens twice, then the finale posts once, at the first', async () => {
    world = nightlyWorld(Date.UTC(2027, 9, 29, 12, 0));
    world.configure('g1', { time: '01:30', timeZone: 'Europe/London' });
    const bot = world.startProcess();
    await bot.scheduler.start();

    // Local midnight on the 30th to noon on 1 November, the first night after the season.
    await world.runMinutes(Date.UTC(2027, 9, 29, 23, 0), Date.UTC(2027, 10, 1, 12, 0));

    expect(countByNight(world.channel.messages)).toEqual({ '2027-10-30': 1, '2027-10-31': 1 });
    expect(world.channel.messages.map((m) => iso(m.at))).toEqual([
      '2027-10-30T00:30:00.000Z', // 01:30 BST
      '2027-10-31T00:30:00.000Z', // the first 01:30, still BST
    ]);
    expect(world.calls.map((c) => [c.night.nightDate, c.night.countdown, c.night.isFinale])).toEqual([
      ['2027-10-30', '1 night until Halloween', false],
      ['2027-10-31', 'Halloween night: the final nightmare.', true],
    ]);
    // node-cron fires 01:30 twice that night; the ledger turned the second into nothing.
    const halloweenFires = bot.cron.fired.filter((f) => f.name === 'nightly-g1' && iso(f.at) < '2027-11');
    expect(halloweenFires.map((f) => iso(f.at))).toEqual([
      '2027-10-30T00:30:00.000Z',
      '2027-10-31T00:30:00.000Z',
      '2027-10-31T01:30:00.000Z',
    ]);
  });

  it('given a restart between the two 01:30s in London, then the second 01:30 does not post again', async () => {
    world = nightlyWorld(Date.UTC(2027, 9, 30, 12, 0));
    world.configure('g1', { time: '01:30', timeZone: 'Europe/London' });
    const first = world.startProcess();
    await first.scheduler.start();
    await world.runMinutes(Date.UTC(2027, 9, 31, 0, 0), Date.UTC(2027, 9, 31, 1, 0), [first]);
    await first.scheduler.stop();

    // The new process comes up at the second 01:30 (GMT), inside the grace window of the first.
    world.clock.set(Date.UTC(2027, 9, 31, 1, 30, 10));
    const second = world.startProcess();
    await second.scheduler.start();
    await world.runMinutes(Date.UTC(2027, 9, 31, 1, 31), Date.UTC(2027, 9, 31, 6, 0), [second]);

    expect(world.calls.map((c) => iso(c.at))).toEqual(['2027-10-31T00:30:00.000Z']);
  });

  it('given a post set in the New York gap and a bot started inside the gap hour, then it posts at 03:00', async () => {
    world = nightlyWorld(Date.UTC(2027, 2, 13, 12, 0));
    world.configure('g1', { time: '02:15', timeZone: 'America/New_York', seasonStart: '03-01' });
    world.clock.set(Date.UTC(2027, 2, 14, 6, 59, 30)); // 01:59:30 EST, the last half-minute before the jump
    const bot = world.startProcess();
    expect(await bot.scheduler.start()).toEqual([]);

    await world.runMinutes(Date.UTC(2027, 2, 14, 7, 0), Date.UTC(2027, 2, 14, 12, 0));
    expect(world.calls.map((c) => [c.night.nightDate, iso(c.at)])).toEqual([
      ['2027-03-14', '2027-03-14T07:00:00.000Z'],
    ]);
  });
});

import { Writable } from 'node:stream';
import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { NightlyScheduler } from '../../src/schedule/nightly.js';
import type { PostFn } from '../../src/schedule/post.js';
import { DEFAULT_CLAIM_POLICY, openStore } from '../../src/store/index.js';
import { nightlyWorld } from './support/harness.js';

const iso = (ms: number) => new Date(ms).toISOString();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// 21:00 on 2027-10-13 in Europe/London (BST) is 20:00 UTC.
const SLOT = Date.UTC(2027, 9, 13, 20, 0);

/** A post that never settles by itself, as if the process died inside it; it gives up only when aborted. */
const hangingPost: PostFn = (_guildId, _night, signal) =>
  new Promise((resolve) => {
    signal.addEventListener('abort', () => resolve({ kind: 'failed', error: 'aborted' }));
  });

/** A pino logger whose lines land in an array, to check what was logged. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

describe('the nightly post, exactly once', () => {
  let world: ReturnType<typeof nightlyWorld>;
  afterEach(() => world.cleanup());

  // Configured the morning of the 13th, after the 12th's slot, so no earlier night is due.
  function londonAt2100(configuredAt = SLOT - 12 * HOUR) {
    world = nightlyWorld(configuredAt);
    world.configure('g1', { time: '21:00', timeZone: 'Europe/London' });
  }

  it('given a restart within the slot minute after posting, then the new process does not post again', async () => {
    londonAt2100();
    const first = world.startProcess();
    await first.scheduler.start();
    await world.runMinutes(SLOT - 5 * MINUTE, SLOT + MINUTE, [first]);
    await first.scheduler.stop();

    world.clock.set(SLOT + 40_000);
    const second = world.startProcess();
    expect(await second.scheduler.start()).toMatchObject([{ kind: 'already', state: 'posted' }]);
    await world.runMinutes(SLOT + MINUTE, SLOT + 3 * HOUR, [second]);

    expect(world.channel.messages.map((m) => iso(m.at))).toEqual([iso(SLOT)]);
  });

  it('given a crash after claiming and before sending, then the restart posts once when the claim lapses', async () => {
    londonAt2100();
    const crashed = world.startProcess({ post: hangingPost });
    await crashed.scheduler.start();
    world.clock.set(SLOT);
    void crashed.cron.fireAt(SLOT); // never settles: the process is gone

    world.clock.set(SLOT + 30_000);
    const restarted = world.startProcess();
    await restarted.scheduler.start();
    await world.runMinutes(SLOT + MINUTE, SLOT + HOUR, [restarted]);

    // The takeover waits for the claim's lease to lapse, then posts with the night's nonce.
    const lease = DEFAULT_CLAIM_POLICY.leaseMs;
    expect(world.calls.map((c) => [iso(c.at), c.night.attempt])).toEqual([[iso(SLOT + lease), 2]]);
    expect(world.channel.messages).toHaveLength(1);
    expect(restarted.store.ledger.get('g1', '2027-10-13')).toMatchObject({ state: 'posted', attempts: 2 });
  });

  it('given a crash after sending and before confirming, then the retry gets the first message back', async () => {
    londonAt2100();
    const sendThenDie: PostFn = (guildId, night, signal) => {
      world.channel.send(guildId, night, world.clock());
      return hangingPost(guildId, night, signal);
    };
    const crashed = world.startProcess({ post: sendThenDie });
    await crashed.scheduler.start();
    world.clock.set(SLOT);
    void crashed.cron.fireAt(SLOT);

    world.clock.set(SLOT + 20_000);
    const restarted = world.startProcess();
    await restarted.scheduler.start();
    await world.runMinutes(SLOT + MINUTE, SLOT + HOUR, [restarted]);

    expect(world.calls).toHaveLength(1);
    expect(world.channel.messages.map((m) => m.id)).toEqual(['msg-1']);
    expect(restarted.store.ledger.get('g1', '2027-10-13')).toMatchObject({
      state: 'posted',
      messageId: 'msg-1',
    });
  });

  it('given two processes on one token ticking in the same minute, then only one posts', async () => {
    londonAt2100();
    const a = world.startProcess();
    const b = world.startProcess();
    await Promise.all([a.scheduler.start(), b.scheduler.start()]);

    for (let t = SLOT - 2 * MINUTE; t < SLOT + 30 * MINUTE; t += MINUTE) {
      world.clock.set(t);
      await Promise.all([a.cron.fireAt(t), b.cron.fireAt(t)]);
    }
    expect(world.calls.map((c) => iso(c.at))).toEqual([iso(SLOT)]);
  });

  it('given the bot was down at the slot, then it catches the night up on start within the grace window', async () => {
    londonAt2100();
    world.clock.set(SLOT + 90 * MINUTE);
    const bot = world.startProcess();
    expect(await bot.scheduler.start()).toMatchObject([{ kind: 'posted', night: '2027-10-13' }]);
  });

  it('given the bot was down past the grace window, then that night is not posted late', async () => {
    londonAt2100();
    world.clock.set(SLOT + 2 * HOUR);
    const bot = world.startProcess();
    expect(await bot.scheduler.start()).toEqual([]);
    await world.runMinutes(SLOT + 2 * HOUR, SLOT + 20 * HOUR);
    expect(world.calls).toEqual([]);
  });

  it('given a 23:50 slot missed, then it is still caught up after local midnight', async () => {
    world = nightlyWorld(SLOT - 24 * HOUR);
    world.configure('g1', { time: '23:50', timeZone: 'Europe/London' });
    world.clock.set(Date.UTC(2027, 9, 13, 23, 10)); // 00:10 BST on the 14th
    const bot = world.startProcess();
    expect(await bot.scheduler.start()).toMatchObject([{ kind: 'posted', night: '2027-10-13' }]);
  });

  it('given a moderator sets a time that has already passed today, then the first post is tomorrow', async () => {
    londonAt2100(SLOT + 10 * MINUTE);
    const bot = world.startProcess();
    expect(await bot.scheduler.start()).toEqual([]);
    await world.runMinutes(SLOT + 10 * MINUTE, SLOT + 25 * HOUR);
    expect(world.calls.map((c) => [c.night.nightDate, iso(c.at)])).toEqual([
      ['2027-10-14', iso(SLOT + 24 * HOUR)],
    ]);
  });

  it('given the bot may not attach files, then the night is skipped, logged, moderators are told, no retry', async () => {
    londonAt2100();
    const { lines, logger } = capturedLogger();
    let calls = 0;
    const post: PostFn = async () => {
      calls += 1;
      return { kind: 'skipped', reason: 'missing-permissions', detail: 'AttachFiles, EmbedLinks' };
    };
    const bot = world.startProcess({ post, logger });
    await bot.scheduler.start();
    await world.runMinutes(SLOT - MINUTE, SLOT + 3 * HOUR);

    expect(calls).toBe(1);
    expect(bot.store.ledger.get('g1', '2027-10-13')).toMatchObject({
      state: 'skipped',
      reason: 'missing-permissions',
    });
    expect(bot.store.guilds.takeNotice('g1')?.text).toMatch(
      /night of 2027-10-13.*missing: AttachFiles, EmbedLinks.*Attach Files and Embed Links/,
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'nightly nightmare skipped',
        guildId: 'g1',
        reason: 'missing-permissions',
      }),
    );
  });

  it('given a post that throws, then nothing escapes the timer and the night is retried a minute later', async () => {
    londonAt2100();
    const { lines, logger } = capturedLogger();
    let thrown = false;
    const flaky: PostFn = async (guildId, night, signal) => {
      if (!thrown) {
        thrown = true;
        throw new Error('Discord answered 503');
      }
      return world.sendingPost(guildId, night, signal);
    };
    const bot = world.startProcess({ post: flaky, logger });
    await bot.scheduler.start();
    await world.runMinutes(SLOT - MINUTE, SLOT + HOUR);

    expect(world.calls.map((c) => [iso(c.at), c.night.attempt])).toEqual([[iso(SLOT + MINUTE), 2]]);
    expect(world.channel.messages).toHaveLength(1);
    const thrownLine = lines.find((line) => line.msg === 'nightly post threw');
    expect(thrownLine?.err).toMatchObject({ message: 'Discord answered 503' });
  });

  it('given the store fails under a timer, then the error is logged and the timer does not throw', async () => {
    londonAt2100();
    const { lines, logger } = capturedLogger();
    const bot = world.startProcess({ logger });
    await bot.scheduler.start();
    bot.store.close();

    await expect(bot.cron.fireAt(SLOT)).resolves.toBe(2);
    expect(lines.filter((line) => line.msg === 'nightly timer failed')).toHaveLength(2);
  });

  it('given nights outside the season, then nothing is posted and status names the next first night', async () => {
    londonAt2100(Date.UTC(2027, 10, 1, 12, 0));
    const bot = world.startProcess();
    await bot.scheduler.start();
    await world.runMinutes(Date.UTC(2027, 10, 1, 12, 0), Date.UTC(2027, 10, 3, 12, 0));

    expect(world.calls).toEqual([]);
    expect(bot.scheduler.nextSlotFor('g1')).toMatchObject({
      night: '2028-10-01',
      at: Date.UTC(2028, 9, 1, 20),
    });
    expect(await bot.scheduler.postNow('g1')).toEqual({
      kind: 'out-of-season',
      guildId: 'g1',
      nextSeasonStart: '2028-10-01',
    });
  });

  it('given /nightmare now before the slot, then it posts at once and the slot that night stays quiet', async () => {
    londonAt2100();
    const bot = world.startProcess();
    await bot.scheduler.start();
    world.clock.set(SLOT - 30 * MINUTE);
    expect(await bot.scheduler.postNow('g1')).toMatchObject({ kind: 'posted', night: '2027-10-13' });
    await world.runMinutes(SLOT - 29 * MINUTE, SLOT + 2 * HOUR);
    expect(world.calls.map((c) => iso(c.at))).toEqual([iso(SLOT - 30 * MINUTE)]);
  });

  it('given settings change, then the server task moves with them, off removes it, stop removes all', async () => {
    londonAt2100();
    const bot = world.startProcess();
    await bot.scheduler.start();
    expect(bot.cron.list()).toEqual(['nightly-tick * * * * * UTC', 'nightly-g1 0 21 * * * Europe/London']);

    bot.store.guilds.update('g1', { time: '22:15', timeZone: 'America/New_York' });
    bot.scheduler.reschedule('g1');
    expect(bot.cron.list()).toContain('nightly-g1 15 22 * * * America/New_York');

    bot.store.guilds.update('g1', { enabled: false });
    bot.scheduler.reschedule('g1');
    expect(bot.cron.list()).toEqual(['nightly-tick * * * * * UTC']);

    await bot.scheduler.stop();
    expect(bot.cron.list()).toEqual([]);
  });

  it('given the real node-cron, then start adds one task per server plus the tick and stop removes them', async () => {
    world = nightlyWorld(SLOT);
    const store = openStore(':memory:', undefined, { now: world.clock });
    store.guilds.update('g1', { channelId: 'c1', enabled: true });
    store.guilds.update('g2', { channelId: 'c2', enabled: true, timeZone: 'Asia/Tokyo' });
    const before = cron.getTasks().size;

    const scheduler = new NightlyScheduler({ store, post: world.sendingPost });
    await scheduler.start();
    expect(cron.getTasks().size).toBe(before + 3);
    await scheduler.stop();
    expect(cron.getTasks().size).toBe(before);
    store.close();
  });

  it('given a grace window of a day or more, then the scheduler refuses to start with a clear message', () => {
    world = nightlyWorld(SLOT);
    const store = openStore(':memory:');
    const make = (graceMs: number) => () => new NightlyScheduler({ store, post: world.sendingPost, graceMs });
    expect(make(24 * HOUR)).toThrow(/graceMs must be more than 0 and under a day/);
    expect(make(0)).toThrow(RangeError);
    store.close();
  });
});

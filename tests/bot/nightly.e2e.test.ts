import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployCommands } from '../../src/bot/deploy.js';
import type { RunningBot } from '../../src/bot/run-bot.js';
import type { Config } from '../../src/config/config.js';
import type { FakeDiscord } from '../support/fake-discord/index.js';
import { bootBot, cleanup, makeInstall, PNG_MAGIC, startWorld } from './harness.js';

let fake: FakeDiscord;
let bot: RunningBot | undefined;
let root: string;
let config: Config;

beforeEach(async () => {
  fake = await startWorld();
  ({ root, config } = await makeInstall(fake));
  await deployCommands(config);
  bot = await bootBot(config);
});
afterEach(async () => {
  await cleanup({ bot, fake, root });
  bot = undefined;
});

/** Runs /nightmare as the moderator and waits for the (private) answer. */
async function nightmare(subcommand: string, options: Record<string, string> = {}): Promise<string> {
  const { id } = fake.sendInteraction({
    kind: 'slash',
    name: 'nightmare',
    subcommand,
    options,
    userId: fake.user('morgan').id,
  });
  const edit = await fake.waitFor(
    () => fake.interactionEvents(id).find((e) => e.method === 'PATCH' && e.status === 200),
    { description: `/nightmare ${subcommand}` },
  );
  return (edit.json as { content: string }).content;
}

/** Drives the schedule through a stretch of time, one tick a minute, as the minutely cron would. */
async function tickThrough(fromIso: string, toIso: string): Promise<void> {
  for (let t = Date.parse(fromIso); t <= Date.parse(toIso); t += 60_000)
    await bot?.ctx.nightly?.tick(t + 500);
}

/** The bot's own channel posts: not interaction replies (webhook messages), not ephemeral ones. */
function posts(channel: string) {
  return fake
    .channelMessages(fake.channel(channel).id)
    .filter((m) => m.author.id === fake.botUser.id && !m.webhook_id && ((m.flags ?? 0) & 64) === 0);
}

describe('the nightly nightmare against a fake Discord', () => {
  it('given a season night and a restart at the slot minute, then exactly one post goes out', async () => {
    await nightmare('channel', { channel: fake.channel('general').id });
    await nightmare('time', { time: '21:00', zone: 'Europe/London' });

    await tickThrough('2027-10-24T19:58:00Z', '2027-10-24T20:00:00Z');
    expect(posts('general')).toHaveLength(1);
    await bot?.stop();
    bot = await bootBot(config);
    await tickThrough('2027-10-24T20:00:00Z', '2027-10-24T20:03:00Z');

    const all = posts('general');
    expect(all).toHaveLength(1);
    expect(all[0]?.content).toMatch(/7 nights until Halloween/);
    expect(fake.messageFiles(all[0]?.id as string)[0]?.bytes.subarray(0, 4)).toEqual(PNG_MAGIC);
  });

  it('given a 502 and a 429 on the post, then it still goes out exactly once', async () => {
    await nightmare('channel', { channel: fake.channel('general').id });
    await nightmare('time', { time: '21:00', zone: 'UTC' });
    const path = `/channels/${fake.channel('general').id}/messages`;
    fake.failNext({ method: 'POST', path, status: 502 });
    fake.failNext({ method: 'POST', path, status: 429, retryAfterSeconds: 0.2 });
    await tickThrough('2027-10-30T20:59:00Z', '2027-10-30T21:03:00Z');
    expect(posts('general')).toHaveLength(1);
    expect(posts('general')[0]?.content).toMatch(/1 night until Halloween/);
    expect(fake.requests({ method: 'POST', path }).map((r) => r.status)).toEqual([502, 429, 200]);
  });

  it('given a crash between posting and recording, then the retry finds the post instead of posting again', async () => {
    // Discord remembers a nonce for "a few minutes"; assume the worst, that it has already forgotten.
    await cleanup({ bot, fake });
    fake = await startWorld({ nonceWindowMs: 1 });
    ({ root, config } = await makeInstall(fake));
    await deployCommands(config);
    bot = await bootBot(config);
    await nightmare('channel', { channel: fake.channel('general').id });
    await nightmare('time', { time: '21:00', zone: 'UTC' });
    await tickThrough('2027-10-22T20:59:00Z', '2027-10-22T21:00:00Z');
    expect(posts('general')).toHaveLength(1);

    // What a crash right after sending leaves behind: a claim that was never confirmed, now past its lease.
    await bot.stop();
    const db = new Database(config.paths.databaseFile);
    db.prepare(
      "UPDATE nightly_ledger SET state = 'claimed', message_id = NULL, claimed_at = ? WHERE night_date = ?",
    ).run(Date.now() - 10 * 60_000, '2027-10-22');
    db.close();
    bot = await bootBot(config);
    await tickThrough('2027-10-22T21:05:00Z', '2027-10-22T21:06:00Z');
    expect(posts('general')).toHaveLength(1);
    expect(bot.ctx.store.ledger.get(fake.guild().guild.id, '2027-10-22')?.state).toBe('posted');
  });

  it('given 01:30 in London on 2027-10-31, when clocks go back, then the finale posts once', async () => {
    await nightmare('channel', { channel: fake.channel('general').id });
    await nightmare('time', { time: '01:30', zone: 'Europe/London' });
    // 01:30 happens at 00:30 UTC (summer time) and again at 01:30 UTC (winter time).
    await tickThrough('2027-10-30T23:55:00Z', '2027-10-31T02:05:00Z');
    const all = posts('general');
    expect(all).toHaveLength(1);
    expect(all[0]?.content).toMatch(/Happy Halloween/);
  });

  it('given 02:30 in New York on 2027-03-14, when that minute never happens, then it posts once after the gap', async () => {
    await nightmare('channel', { channel: fake.channel('general').id });
    await nightmare('time', { time: '02:30', zone: 'America/New_York', season_start: '03-01' });
    // Clocks jump from 02:00 EST (07:00 UTC) to 03:00 EDT.
    await tickThrough('2027-03-14T06:50:00Z', '2027-03-14T08:10:00Z');
    expect(posts('general')).toHaveLength(1);
    await tickThrough('2027-03-13T07:25:00Z', '2027-03-13T07:35:00Z');
    expect(posts('general')).toHaveLength(2);
  });

  it('given a channel where the bot may not attach files, then the night is skipped and moderators are told', async () => {
    await nightmare('channel', { channel: fake.channel('no-files').id });
    await nightmare('time', { time: '21:00', zone: 'UTC' });
    await tickThrough('2027-10-20T20:59:00Z', '2027-10-20T21:02:00Z');
    expect(posts('no-files')).toHaveLength(0);
    expect(await nightmare('status')).toMatch(
      /No nightmare was posted for the night of 2027-10-20.*Attach Files/s,
    );
  });
});

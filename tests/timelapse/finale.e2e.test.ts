import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployCommands } from '../../src/bot/deploy.js';
import { UPLOAD_LIMIT_BYTES } from '../../src/bot/mask-message.js';
import { type RunningBot, startBot } from '../../src/bot/run-bot.js';
import type { Config } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import { cleanup, makeInstall, PNG_MAGIC, startWorld } from '../bot/harness.js';
import type { FakeDiscord } from '../support/fake-discord/index.js';
import { animationOf, writeGrids } from './support.js';

let fake: FakeDiscord;
let bot: RunningBot | undefined;
let root: string;
let config: Config;
let logLines: string[];

beforeEach(async () => {
  fake = await startWorld();
  ({ root, config } = await makeInstall(fake));
  await deployCommands(config);
  logLines = [];
  const logger = createLogger({
    level: 'warn',
    destination: { write: (line: string) => logLines.push(line) },
  });
  bot = await startBot(config, logger, { trainer: false });
});
afterEach(async () => {
  await cleanup({ bot, fake, root });
  bot = undefined;
});

/** Sets the nightly channel and time as the moderator, as a server would. */
async function scheduleNightly(time: string): Promise<void> {
  for (const [subcommand, options] of [
    ['channel', { channel: fake.channel('general').id }],
    ['time', { time, zone: 'UTC' }],
  ] as const) {
    const { id } = fake.sendInteraction({
      kind: 'slash',
      name: 'nightmare',
      subcommand,
      options,
      userId: fake.user('morgan').id,
    });
    await fake.waitFor(() =>
      fake.interactionEvents(id).find((e) => e.method === 'PATCH' && e.status === 200),
    );
  }
}

/** Drives the schedule through a stretch of time, one tick a minute, as the minutely cron would. */
async function tickThrough(fromIso: string, toIso: string): Promise<void> {
  for (let t = Date.parse(fromIso); t <= Date.parse(toIso); t += 60_000)
    await bot?.ctx.nightly?.tick(t + 500);
}

/** The bot's own posts in #general, oldest first. */
function posts() {
  return fake
    .channelMessages(fake.channel('general').id)
    .filter((m) => m.author.id === fake.botUser.id && !m.webhook_id);
}

describe('the Halloween finale against a fake Discord', () => {
  it('given grids, then the night before carries one mask and Halloween also carries the timelapse', async () => {
    await writeGrids(config.paths, [100, 200, 300, 400, 500], { sizePx: 130 });
    await scheduleNightly('21:00');

    await tickThrough('2027-10-30T20:59:00Z', '2027-10-30T21:01:00Z');
    await tickThrough('2027-10-31T20:59:00Z', '2027-10-31T21:01:00Z');

    const [eve, finale] = posts();
    expect(fake.messageFiles(eve?.id as string)).toHaveLength(1);
    const files = fake.messageFiles(finale?.id as string);
    expect(files.map((f) => f.filename)).toEqual([
      expect.stringMatching(/\.png$/),
      'nightmask-timelapse.webp',
    ]);
    expect(Buffer.from(files[0]?.bytes as Uint8Array).subarray(0, 4)).toEqual(PNG_MAGIC);
    expect((await animationOf(Buffer.from(files[1]?.bytes as Uint8Array))).pages).toBe(5);
    expect(files.reduce((n, f) => n + f.bytes.byteLength, 0)).toBeLessThan(UPLOAD_LIMIT_BYTES);
    expect(finale?.content).toMatch(/Happy Halloween![\s\S]*From noise to nightmare/);
  });

  it('given grids that cannot be animated, then the finale is still posted, without it, and a warning is logged', async () => {
    await writeGrids(config.paths, [100, 200], { sizePx: 130 });
    await writeGrids(config.paths, [300], { sizePx: 66 });
    await scheduleNightly('21:00');

    await tickThrough('2027-10-31T20:59:00Z', '2027-10-31T21:01:00Z');

    const [finale] = posts();
    expect(finale?.content).toMatch(/Happy Halloween!/);
    expect(finale?.content).not.toMatch(/From noise to nightmare/);
    expect(fake.messageFiles(finale?.id as string)).toHaveLength(1);
    const warning = logLines.map((l) => JSON.parse(l)).find((l) => /without its timelapse/.test(l.msg));
    expect(warning?.err?.message).toMatch(/not all the same size/);
  });
});

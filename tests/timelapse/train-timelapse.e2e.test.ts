import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployCommands } from '../../src/bot/deploy.js';
import type { RunningBot } from '../../src/bot/run-bot.js';
import type { Config } from '../../src/config/config.js';
import { bootBot, cleanup, makeInstall, startWorld } from '../bot/harness.js';
import type { FakeDiscord } from '../support/fake-discord/index.js';
import { animationOf, writeGrids } from './support.js';

let fake: FakeDiscord;
let bot: RunningBot | undefined;
let root: string;
let config: Config;

beforeEach(async () => {
  fake = await startWorld();
  ({ root, config } = await makeInstall(fake));
  await deployCommands(config);
});
afterEach(async () => {
  await cleanup({ bot, fake, root });
  bot = undefined;
});

const PATCH_ORIGINAL = 'PATCH /webhooks/:app/:token/messages/:message';

/** Sends /train timelapse as an ordinary member (not a moderator). */
function askForTimelapse(): string {
  return fake.sendInteraction({
    kind: 'slash',
    name: 'train',
    subcommand: 'timelapse',
    userId: fake.user('alice').id,
  }).id;
}

describe('/train timelapse against a fake Discord', () => {
  it('given a run with grids, then an ordinary member gets a public reply with the animated WebP', async () => {
    await writeGrids(config.paths, [100, 200, 300, 400, 500, 600], { sizePx: 130 });
    bot = await bootBot(config);
    const sent = Date.now();
    const id = askForTimelapse();

    const callback = await fake.waitForRequest(
      (r) => r.route === 'POST /interactions/:interaction/:token/callback' && r.interactionId === id,
    );
    expect((callback.json as { type: number; data?: { flags?: number } }).type).toBe(5);
    expect(Date.now() - sent).toBeLessThan(3000);
    const edit = await fake.waitFor(
      () => fake.interactionEvents(id).find((e) => e.route === PATCH_ORIGINAL && e.files.length > 0),
      { timeoutMs: 30_000, description: 'the timelapse' },
    );

    expect(edit.status).toBe(200);
    expect(edit.files.map((f) => f.filename)).toEqual(['nightmask-timelapse.webp']);
    const webp = Buffer.from(edit.files[0]?.bytes as Uint8Array);
    expect(webp.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(webp.subarray(8, 12).toString('latin1')).toBe('WEBP');
    expect((await animationOf(webp)).pages).toBe(6);
    expect((edit.json as { content: string }).content).toMatch(/From noise to nightmare.*steps 100 to 600/);
    expect(fake.originalResponse(id)?.flags ?? 0).toBe(0);
    expect(fake.unmatchedRequests()).toEqual([]);
  });

  it('given only one grid, then the asker alone is told kindly to come back later', async () => {
    await writeGrids(config.paths, [100], { sizePx: 130 });
    bot = await bootBot(config);
    const id = askForTimelapse();

    const note = await fake.waitFor(
      () =>
        fake.interactionEvents(id).find((e) => e.method === 'POST' && e.route?.startsWith('POST /webhooks')),
      { description: 'the private follow-up' },
    );
    expect((note.json as { content: string }).content).toMatch(/not enough sample grids yet/);
    expect((note.json as { flags: number }).flags).toBe(64);
    expect(note.files).toEqual([]);
  });
});

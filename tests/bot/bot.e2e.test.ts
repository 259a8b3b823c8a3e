import { rm } from 'node:fs/promises';
import { PermissionFlagsBits } from 'discord.js';
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
});
afterEach(async () => {
  await cleanup({ bot, fake, root });
  bot = undefined;
});

const PATCH_ORIGINAL = 'PATCH /webhooks/:app/:token/messages/:message';

/** The last successful edit of an interaction's reply that carries files. */
function editWithFiles(id: string) {
  return fake
    .interactionEvents(id)
    .filter((e) => e.route === PATCH_ORIGINAL && e.status === 200 && e.files.length > 0)
    .at(-1);
}

describe('slash commands against a fake Discord', () => {
  it('given deploy-commands, then /mask, /nightmare and /train are registered, moderator ones with Manage Server', async () => {
    await deployCommands(config);
    const registered = fake.registeredCommands();
    expect(registered.map((c) => c.name).sort()).toEqual(['mask', 'nightmare', 'train']);
    const perms = Object.fromEntries(registered.map((c) => [c.name, c.default_member_permissions ?? null]));
    expect(perms).toEqual({
      mask: null,
      nightmare: String(PermissionFlagsBits.ManageGuild),
      train: String(PermissionFlagsBits.ManageGuild),
    });
  });

  it('given /mask, then it is deferred within 3 s and edited with PNG masks named without spaces', async () => {
    await deployCommands(config);
    bot = await bootBot(config);
    const sent = Date.now();
    const { id } = fake.sendInteraction({
      kind: 'slash',
      name: 'mask',
      options: { count: 2, size: 128 },
      userId: fake.user('alice').id,
    });

    const callback = await fake.waitForRequest(
      (r) => r.route === 'POST /interactions/:interaction/:token/callback',
    );
    expect(callback.interactionId).toBe(id);
    expect((callback.json as { type: number }).type).toBe(5);
    expect(Date.now() - sent).toBeLessThan(3000);

    const edit = await fake.waitFor(() => editWithFiles(id), { timeoutMs: 30_000, description: 'the masks' });
    expect(edit.files).toHaveLength(2);
    for (const file of edit.files) {
      expect(file.bytes.subarray(0, 4)).toEqual(PNG_MAGIC);
      expect(file.filename).not.toMatch(/\s/);
    }
    const body = edit.json as {
      embeds: Array<{ image: { url: string }; footer: { text: string } }>;
      components: unknown[];
    };
    expect(body.embeds[0]?.image.url).toBe(`attachment://${edit.files[0]?.filename}`);
    expect(body.embeds[0]?.footer.text).toMatch(/^mask step-000000001-[0-9a-f]{8}\.\d+\.w1 /);
    expect(body.components).toHaveLength(2);
    expect(fake.unmatchedRequests()).toEqual([]);
  });

  it('given no checkpoint yet, then /mask says kindly that the masks are still growing', async () => {
    await rm(config.paths.checkpointsDir, { recursive: true, force: true });
    await deployCommands(config);
    bot = await bootBot(config);
    const { id } = fake.sendInteraction({ kind: 'slash', name: 'mask', userId: fake.user('alice').id });
    const note = await fake.waitFor(
      () =>
        fake.interactionEvents(id).find((e) => e.method === 'POST' && e.route?.startsWith('POST /webhooks')),
      { description: 'the private follow-up' },
    );
    expect((note.json as { content: string; flags: number }).content).toMatch(/still growing/);
    expect((note.json as { flags: number }).flags).toBe(64);
  });

  it("given a non-moderator's /train retrain, then it is refused privately and nothing is audited", async () => {
    await deployCommands(config);
    bot = await bootBot(config);
    const { id } = fake.sendInteraction({
      kind: 'slash',
      name: 'train',
      subcommand: 'retrain',
      options: { mode: 'scratch' },
      userId: fake.user('alice').id,
    });
    const edit = await fake.waitFor(
      () => fake.interactionEvents(id).find((e) => e.route === PATCH_ORIGINAL && e.status === 200),
      { description: 'the refusal' },
    );
    expect((edit.json as { content: string }).content).toMatch(/Only moderators/);
    expect(fake.originalResponse(id)?.flags).toBe(64);
    expect(bot.ctx.store.audit.list(fake.guild().guild.id)).toEqual([]);
  });

  it('given a mask button pressed after the bot restarted, then it still draws a new mask', async () => {
    await deployCommands(config);
    bot = await bootBot(config);
    const first = fake.sendInteraction({ kind: 'slash', name: 'mask', userId: fake.user('alice').id });
    const edit = await fake.waitFor(() => editWithFiles(first.id), { timeoutMs: 30_000 });
    const buttons = (edit.json as { components: Array<{ components: Array<{ custom_id: string }> }> })
      .components;
    const reroll = buttons[0]?.components[0]?.custom_id as string;
    expect(reroll).toMatch(/^mask:reroll:/);
    const messageId = fake.originalResponse(first.id)?.id as string;

    await bot.stop();
    bot = await bootBot(config);
    // A different user, since alice is now in her cooldown.
    const press = fake.sendInteraction({
      kind: 'button',
      customId: reroll,
      messageId,
      userId: fake.user('morgan').id,
    });
    const again = await fake.waitFor(() => editWithFiles(press.id), {
      timeoutMs: 30_000,
      description: 'the reroll',
    });
    expect(again.files[0]?.bytes.subarray(0, 4)).toEqual(PNG_MAGIC);
  });

  it('given the Variations button, then four nudged masks of the same seed come back', async () => {
    await deployCommands(config);
    bot = await bootBot(config);
    const first = fake.sendInteraction({ kind: 'slash', name: 'mask', userId: fake.user('alice').id });
    const edit = await fake.waitFor(() => editWithFiles(first.id), { timeoutMs: 30_000 });
    const rows = (edit.json as { components: Array<{ components: Array<{ custom_id: string }> }> })
      .components;
    const vary = rows[0]?.components[1]?.custom_id as string;
    expect(vary).toMatch(/^mask:vary:/);
    const messageId = fake.originalResponse(first.id)?.id as string;
    const press = fake.sendInteraction({
      kind: 'button',
      customId: vary,
      messageId,
      userId: fake.user('morgan').id,
    });
    const variations = await fake.waitFor(() => editWithFiles(press.id), {
      timeoutMs: 30_000,
      description: 'variations',
    });
    expect(variations.files).toHaveLength(4);
    const seed = vary.split('.')[1];
    const footers = (variations.json as { embeds: Array<{ footer: { text: string } }> }).embeds.map(
      (e) => e.footer.text,
    );
    for (const footer of footers) expect(footer).toMatch(new RegExp(`\\.${seed}\\.w1\\.n\\d+ `));
  });

  it('given a 429 on the edit and a gateway drop, then the reply still lands once and the session resumes', async () => {
    await deployCommands(config);
    bot = await bootBot(config);
    fake.gateway.closeConnections(4000);
    await fake.waitFor(() => fake.gateway.frames().find((f) => f.direction === 'received' && f.op === 6), {
      description: 'a RESUME',
    });
    fake.failNext({
      method: 'PATCH',
      path: '/webhooks/:app/:token/messages/@original',
      status: 429,
      retryAfterSeconds: 0.2,
    });
    const { id } = fake.sendInteraction({ kind: 'slash', name: 'mask', userId: fake.user('alice').id });
    await fake.waitFor(() => editWithFiles(id), { timeoutMs: 30_000 });
    const edits = fake.interactionEvents(id).filter((e) => e.route === PATCH_ORIGINAL);
    expect(edits.filter((e) => e.status === 429)).toHaveLength(1);
    expect(edits.filter((e) => e.status === 200 && e.files.length > 0)).toHaveLength(1);
    expect(fake.gateway.frames().filter((f) => f.direction === 'received' && f.op === 2)).toHaveLength(1);
  });
});

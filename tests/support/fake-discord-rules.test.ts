import { once } from 'node:events';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  PermissionFlagsBits,
  type TextChannel,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  ManualClock,
  startFakeDiscord,
} from './fake-discord/index.js';

// Checks that the fake answers like Discord where bots usually go wrong. Where discord.js would
// refuse a call before sending it (a second reply, say), the request is made with fetch instead.

let fake: FakeDiscord | undefined;
let client: Client | undefined;

afterEach(async () => {
  await client?.destroy();
  await fake?.close();
  client = undefined;
  fake = undefined;
});

async function start(options: FakeDiscordOptions = {}): Promise<{ fake: FakeDiscord; bot: Client<true> }> {
  const started = await startFakeDiscord(options);
  fake = started;
  const created = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: started.apiUrl } });
  client = created;
  const ready = once(created, Events.ClientReady);
  await created.login(started.token);
  await ready;
  return { fake: started, bot: created as Client<true> };
}

async function call(target: FakeDiscord, method: string, path: string, body?: unknown, auth = false) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = `Bot ${target.token}`;
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${target.apiUrl}/v10${path}`, init);
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

describe('fake Discord follows Discord on interactions', () => {
  it('given an acknowledged interaction, when a second callback arrives, then 400 code 40060', async () => {
    const { fake } = await start();
    const { id, token } = fake.sendInteraction({ kind: 'slash', name: 'mask' });

    const first = await call(fake, 'POST', `/interactions/${id}/${token}/callback`, { type: 5 });
    const second = await call(fake, 'POST', `/interactions/${id}/${token}/callback`, {
      type: 4,
      data: { content: 'again' },
    });

    expect(first.status).toBe(204);
    expect(second).toEqual({
      status: 400,
      json: { message: 'Interaction has already been acknowledged.', code: 40060 },
    });
    expect(fake.interaction(id).callbackType).toBe(5);
  });

  it('given a wrong token or a late callback, then 404 Unknown interaction (10062)', async () => {
    const clock = new ManualClock();
    const { fake } = await start({ clock });
    const { id, token } = fake.sendInteraction({ kind: 'slash', name: 'mask' });

    const wrongToken = await call(fake, 'POST', `/interactions/${id}/not-the-token/callback`, { type: 5 });
    clock.advance(3_001);
    const late = await call(fake, 'POST', `/interactions/${id}/${token}/callback`, { type: 5 });

    expect(wrongToken).toEqual({ status: 404, json: { message: 'Unknown interaction', code: 10062 } });
    expect(late).toEqual(wrongToken);
  });

  it('given 15 minutes passed, when @original is edited, then 401 Invalid Webhook Token', async () => {
    const clock = new ManualClock();
    const { fake } = await start({ clock });
    const { id, token, applicationId } = fake.sendInteraction({ kind: 'slash', name: 'mask' });
    await call(fake, 'POST', `/interactions/${id}/${token}/callback`, { type: 5 });
    const original = `/webhooks/${applicationId}/${token}/messages/@original`;

    clock.advance(15 * 60_000);
    const justInTime = await call(fake, 'PATCH', original, { content: 'made it' });
    clock.advance(1);
    const tooLate = await call(fake, 'PATCH', original, { content: 'too late' });

    expect(justInTime.status).toBe(200);
    expect(tooLate).toEqual({ status: 401, json: { message: 'Invalid Webhook Token', code: 50027 } });
    expect(fake.originalResponse(id)?.content).toBe('made it');
  });

  it('given a deferred reply, then the first follow-up fills in the deferred message', async () => {
    const { fake, bot } = await start();
    bot.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply({ flags: 'Ephemeral' });
      await interaction.followUp('filled in');
    });

    const { id } = fake.sendInteraction({ kind: 'slash', name: 'mask' });
    await fake.waitFor(() =>
      fake.interactionEvents(id).some((event) => event.method === 'POST' && event.status === 200),
    );

    const original = fake.originalResponse(id);
    expect(original).toMatchObject({ content: 'filled in', flags: 64 });
    expect(fake.interaction(id).followupMessageIds).toEqual([]);
  });

  it('given a button press answered with UPDATE_MESSAGE, then the message is edited', async () => {
    const { fake, bot } = await start();
    const channel = (await bot.channels.fetch(fake.channel('general').id)) as TextChannel;
    const button = new ButtonBuilder().setCustomId('again').setLabel('Again').setStyle(ButtonStyle.Primary);
    const sent = await channel.send({
      content: 'a mask',
      components: [new ActionRowBuilder<ButtonBuilder>().addComponents(button)],
    });
    bot.on(Events.InteractionCreate, async (interaction) => {
      if (interaction.isButton())
        await interaction.update({ content: `another mask (${interaction.customId})` });
    });

    const { id } = fake.sendInteraction({ kind: 'button', customId: 'again', messageId: sent.id });
    await fake.waitFor(() => fake.interaction(id).callbackType !== null);

    expect(fake.interaction(id)).toMatchObject({ callbackType: 7, originalMessageId: sent.id });
    expect(fake.message(sent.id)?.content).toBe('another mask (again)');
  });

  it('given with_response=true, then the callback answers with the created message', async () => {
    const { fake } = await start();
    const { id, token } = fake.sendInteraction({ kind: 'slash', name: 'mask' });

    const answer = await call(fake, 'POST', `/interactions/${id}/${token}/callback?with_response=true`, {
      type: 4,
      data: { content: 'boo' },
    });

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      interaction: { id, type: 2, response_message_loading: false, response_message_ephemeral: false },
      resource: { type: 4, message: { content: 'boo', type: 20 } },
    });
  });
});

describe('fake Discord follows Discord on messages and uploads', () => {
  const withoutFiles: FakeDiscordOptions = {
    guilds: [
      {
        channels: [
          { name: 'general' },
          { name: 'no-files', overwrites: [{ target: '@bot', deny: PermissionFlagsBits.AttachFiles }] },
        ],
        members: [{ user: { username: 'alice' } }],
      },
    ],
  };

  it('given no ATTACH_FILES in a channel, then uploads get 403 50013 and text still works', async () => {
    const { fake, bot } = await start(withoutFiles);
    const noFiles = fake.channel('no-files');
    const channel = (await bot.channels.fetch(noFiles.id)) as TextChannel;

    const upload = channel.send({ files: [{ attachment: Buffer.from('boo'), name: 'boo.txt' }] });
    await expect(upload).rejects.toMatchObject({ status: 403, code: 50013 });
    await channel.send('text is fine');

    expect(fake.channelMessages(noFiles.id).map((message) => message.content)).toEqual(['text is fine']);
    const { id } = fake.sendInteraction({ kind: 'slash', name: 'mask', channelId: noFiles.id });
    const appPermissions = BigInt(fake.interaction(id).payload.app_permissions);
    expect(appPermissions & PermissionFlagsBits.AttachFiles).toBe(0n);
    expect(appPermissions & PermissionFlagsBits.SendMessages).toBe(PermissionFlagsBits.SendMessages);
  });

  it('given a file over 10 MiB, then 413 code 40005 and no message', async () => {
    const { fake, bot } = await start();
    const general = fake.channel('general');
    const channel = (await bot.channels.fetch(general.id)) as TextChannel;

    const tooBig = Buffer.alloc(10 * 1024 * 1024 + 1);
    const upload = channel.send({ files: [{ attachment: tooBig, name: 'big.png' }] });

    await expect(upload).rejects.toBeInstanceOf(DiscordAPIError);
    await expect(upload).rejects.toMatchObject({ status: 413, code: 40005 });
    expect(fake.channelMessages(general.id)).toEqual([]);
  });

  it('given a global 429 then a 502, when the bot sends, then it waits, retries and one message lands', async () => {
    const { fake, bot } = await start();
    const general = fake.channel('general');
    const channel = (await bot.channels.fetch(general.id)) as TextChannel;
    const path = '/channels/:channel/messages';
    fake.failNext({ method: 'POST', path, status: 429, scope: 'global', retryAfterSeconds: 0.1 });
    fake.failNext({ method: 'POST', path, status: 502 });

    await channel.send('boo');

    const posts = fake.requests({ method: 'POST', path: `/channels/${general.id}/messages` });
    expect(posts.map((post) => [post.status, post.fault])).toEqual([
      [429, 'rate-limit'],
      [502, 'server-error'],
      [200, undefined],
    ]);
    expect(posts[0]?.response).toEqual({
      message: 'You are being rate limited.',
      retry_after: 0.1,
      global: true,
    });
    expect(fake.channelMessages(general.id)).toHaveLength(1);
  });

  it('given a reply, then the message is type 19 and references the original', async () => {
    const { fake, bot } = await start();
    const general = fake.channel('general');
    const channel = (await bot.channels.fetch(general.id)) as TextChannel;

    const first = await channel.send('first');
    const reply = await first.reply('second');

    expect(fake.message(reply.id)).toMatchObject({
      type: 19,
      message_reference: { message_id: first.id, channel_id: general.id },
    });
    expect(reply.reference?.messageId).toBe(first.id);
  });

  it('given an empty message, then 400 code 50006', async () => {
    const { fake } = await start();
    const path = `/channels/${fake.channel('general').id}/messages`;

    const answer = await call(fake, 'POST', path, { content: '   ' }, true);

    expect(answer).toEqual({ status: 400, json: { message: 'Cannot send an empty message', code: 50006 } });
  });

  it('given content over 2000 characters, then 400 code 50035 naming the field', async () => {
    const { fake } = await start();
    const path = `/channels/${fake.channel('general').id}/messages`;

    const answer = await call(fake, 'POST', path, { content: 'a'.repeat(2001) }, true);

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      code: 50035,
      errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } },
    });
  });
});

describe('fake Discord follows Discord on routes, auth and commands', () => {
  it('given an unknown route, then 404 with code 0 and it is listed as unmatched', async () => {
    const { fake } = await start();

    const answer = await call(fake, 'GET', '/guilds/1/audit-logs', undefined, true);

    expect(answer).toEqual({ status: 404, json: { message: '404: Not Found', code: 0 } });
    expect(fake.unmatchedRequests().map((request) => request.path)).toEqual(['/guilds/1/audit-logs']);
  });

  it('given no bot token, then 401', async () => {
    const { fake } = await start();

    const answer = await call(fake, 'GET', '/users/@me');

    expect(answer).toEqual({ status: 401, json: { message: '401: Unauthorized', code: 0 } });
  });

  it('given a command with an upper-case name, then PUT answers 50035 and registers nothing', async () => {
    const { fake } = await start();

    const answer = await call(
      fake,
      'PUT',
      `/applications/${fake.applicationId}/commands`,
      [{ name: 'Mask', description: 'Grow a mask' }],
      true,
    );

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: 50035, errors: { 0: { name: { _errors: [{}] } } } });
    expect(fake.registeredCommands()).toEqual([]);
  });

  it('given a re-run deploy, then a command keeps its id and stores default_member_permissions', async () => {
    const { fake, bot } = await start();
    const definition = { name: 'mask', description: 'Grow a mask', defaultMemberPermissions: 0n };
    const guildId = fake.guild().guild.id;

    const [first] = [...(await bot.application.commands.set([definition], guildId)).values()];
    const [second] = [...(await bot.application.commands.set([definition], guildId)).values()];

    expect(second?.id).toBe(first?.id);
    expect(fake.registeredCommands(guildId)).toMatchObject([
      { name: 'mask', default_member_permissions: '0' },
    ]);
    expect(fake.registeredCommands()).toEqual([]);
  });
});

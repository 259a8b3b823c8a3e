import { once } from 'node:events';
import net from 'node:net';
import {
  AttachmentBuilder,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  PermissionFlagsBits,
  type TextChannel,
} from 'discord.js';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from './fake-discord/index.js';
import { NetworkGuardError, takeBlockedAttempts } from './network/guard.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const GUILD: FakeDiscordOptions = {
  guilds: [
    {
      name: 'Haunted House',
      roles: [{ name: 'Mask Maker', permissions: 0n }],
      channels: [
        { name: 'general' },
        // The bot may talk here but not upload: the shape of a channel nightmask must cope with.
        { name: 'no-files', overwrites: [{ target: '@bot', deny: PermissionFlagsBits.AttachFiles }] },
      ],
      members: [{ user: { username: 'alice' }, roles: ['Mask Maker'] }],
    },
  ],
};

let fake: FakeDiscord | undefined;
let client: Client | undefined;

afterEach(async () => {
  await client?.destroy();
  await fake?.close();
  client = undefined;
  fake = undefined;
});

/** The real discord.js client, pointed at the fake, logged in and ready. */
async function readyClient(target: FakeDiscord): Promise<Client<true>> {
  const created = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: target.apiUrl } });
  client = created;
  const ready = once(created, Events.ClientReady);
  await created.login(target.token);
  await ready;
  return created as Client<true>;
}

function tinyPng(): Promise<Buffer> {
  return sharp({ create: { width: 4, height: 3, channels: 4, background: '#ff7518' } })
    .png()
    .toBuffer();
}

/** Runs `handler` for every slash command, reporting failures through the returned list. */
function onSlash(target: Client, handler: (interaction: ChatInputCommandInteraction) => Promise<void>) {
  const failures: unknown[] = [];
  target.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (!interaction.isChatInputCommand()) return;
    handler(interaction).catch((error: unknown) => failures.push(error));
  });
  return failures;
}

describe('fake Discord with the real discord.js client', () => {
  it('given a login, then the client is ready and sees the guild and its permissions', async () => {
    fake = await startFakeDiscord(GUILD);
    const bot = await readyClient(fake);

    const guild = bot.guilds.cache.get(fake.guild().guild.id);
    expect(bot.user.id).toBe(fake.botUser.id);
    expect(guild?.name).toBe('Haunted House');
    const me = guild?.members.me;
    expect(me).toBeDefined();
    const general = guild?.channels.cache.find((channel) => channel.name === 'general');
    const noFiles = guild?.channels.cache.find((channel) => channel.name === 'no-files');
    expect(general && me?.permissionsIn(general).has(PermissionFlagsBits.AttachFiles)).toBe(true);
    expect(noFiles && me?.permissionsIn(noFiles).has(PermissionFlagsBits.AttachFiles)).toBe(false);

    // At login discord.js asks only for the gateway; everything else comes over the socket.
    expect(fake.requests().map((request) => request.route)).toEqual(['GET /gateway/bot']);
    expect(fake.unmatchedRequests()).toEqual([]);
    expect(fake.gateway.connections()).toMatchObject([{ via: 'gateway', start: 'identify' }]);
  });

  it('given a slash command, when the bot defers and edits in a PNG, then both are recorded', async () => {
    fake = await startFakeDiscord(GUILD);
    const bot = await readyClient(fake);
    await bot.application.commands.set([
      {
        name: 'mask',
        description: 'Grow a mask',
        options: [{ name: 'theme', description: 'What it looks like', type: 3, required: true }],
        defaultMemberPermissions: PermissionFlagsBits.SendMessages,
      },
    ]);
    const png = await tinyPng();
    const themes: string[] = [];
    const failures = onSlash(bot, async (interaction) => {
      themes.push(interaction.options.getString('theme', true));
      await interaction.deferReply();
      await interaction.editReply({
        content: 'Here it is',
        files: [new AttachmentBuilder(png, { name: 'mask.png' })],
      });
    });

    const { id } = fake.sendInteraction({ kind: 'slash', name: 'mask', options: { theme: 'bat' } });
    const edit = await fake.waitFor(() =>
      fake?.interactionEvents(id).find((event) => event.method === 'PATCH' && event.status === 200),
    );

    expect(failures).toEqual([]);
    expect(themes).toEqual(['bat']);
    expect(fake.registeredCommands()[0]).toMatchObject({ name: 'mask', default_member_permissions: '2048' });
    const events = fake.interactionEvents(id);
    expect(events.map((event) => [event.route, event.status])).toEqual([
      ['POST /interactions/:interaction/:token/callback', 204],
      ['PATCH /webhooks/:app/:token/messages/:message', 200],
    ]);
    expect(events[0]?.json).toMatchObject({ type: 5 });
    const [file] = edit.files;
    expect(file?.filename).toBe('mask.png');
    expect(file?.filename).not.toMatch(/\s/);
    expect(file?.contentType).toBe('image/png');
    expect(file?.bytes.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);

    const original = fake.originalResponse(id);
    expect(original).toMatchObject({ content: 'Here it is', flags: 0, edited_timestamp: null });
    expect(original?.attachments).toMatchObject([{ filename: 'mask.png', width: 4, height: 3 }]);
    expect(fake.messageFiles(original?.id ?? '')[0]?.bytes.equals(png)).toBe(true);
  });

  it('given a 429 on the edit, then discord.js waits, retries and the edit lands once', async () => {
    fake = await startFakeDiscord(GUILD);
    const bot = await readyClient(fake);
    const failures = onSlash(bot, async (interaction) => {
      await interaction.deferReply();
      await interaction.editReply('done');
    });
    fake.failNext({
      method: 'PATCH',
      path: '/webhooks/:app/:token/messages/@original',
      status: 429,
      retryAfterSeconds: 0.2,
    });

    const { id } = fake.sendInteraction({ kind: 'slash', name: 'mask' });
    await fake.waitFor(() =>
      fake?.interactionEvents(id).some((event) => event.status === 200 && event.method === 'PATCH'),
    );

    expect(failures).toEqual([]);
    const edits = fake.interactionEvents(id).filter((event) => event.method === 'PATCH');
    expect(edits.map((event) => [event.status, event.fault])).toEqual([
      [429, 'rate-limit'],
      [200, undefined],
    ]);
    const [limited, landed] = edits;
    expect((landed?.atMs ?? 0) - (limited?.atMs ?? 0)).toBeGreaterThanOrEqual(200);
    expect(fake.originalResponse(id)?.content).toBe('done');
    expect(fake.pendingFaults()).toBe(0);
  });

  it('given two 500s on a channel message, then discord.js retries and one message exists', async () => {
    fake = await startFakeDiscord(GUILD);
    const bot = await readyClient(fake);
    const channelId = fake.channel('general').id;
    fake.failNext({ method: 'POST', path: '/channels/:channel/messages', status: 500, times: 2 });

    const channel = (await bot.channels.fetch(channelId)) as TextChannel;
    await channel.send('boo');

    const posts = fake.requests({ method: 'POST', path: `/channels/${channelId}/messages` });
    expect(posts.map((post) => post.status)).toEqual([500, 500, 200]);
    expect(fake.channelMessages(channelId).map((message) => message.content)).toEqual(['boo']);
  });

  it('given a forced gateway close, then the client resumes (no IDENTIFY) and events arrive', async () => {
    fake = await startFakeDiscord(GUILD);
    const bot = await readyClient(fake);
    const seen: string[] = [];
    bot.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isChatInputCommand()) seen.push(interaction.commandName);
    });

    fake.gateway.closeConnections(4000);
    // Sent while the client is away: the session keeps it and replays it on RESUME.
    fake.sendInteraction({ kind: 'slash', name: 'while-away' });
    await fake.waitFor(() => fake?.gateway.connections().find((connection) => connection.start === 'resume'));
    await fake.waitFor(() => seen.includes('while-away'));
    fake.sendInteraction({ kind: 'slash', name: 'after-resume' });
    await fake.waitFor(() => seen.includes('after-resume'));

    const received = fake.gateway.frames().filter((frame) => frame.direction === 'received');
    expect(received.filter((frame) => frame.op === 2)).toHaveLength(1);
    expect(received.filter((frame) => frame.op === 6)).toHaveLength(1);
    expect(fake.gateway.connections().map((connection) => [connection.via, connection.start])).toEqual([
      ['gateway', 'identify'],
      ['resume', 'resume'],
    ]);
    expect(seen).toEqual(['while-away', 'after-resume']);
  });

  it('given a dropped socket, then the client resumes as well', async () => {
    fake = await startFakeDiscord(GUILD);
    await readyClient(fake);

    fake.gateway.dropConnections();
    await fake.waitFor(() => fake?.gateway.frames().find((frame) => frame.t === 'RESUMED'));

    expect(fake.gateway.connections().map((connection) => connection.start)).toEqual(['identify', 'resume']);
  });

  it('given enforce_nonce, when a message is sent twice, then one message exists', async () => {
    fake = await startFakeDiscord(GUILD);
    const bot = await readyClient(fake);
    const channelId = fake.channel('general').id;
    const channel = (await bot.channels.fetch(channelId)) as TextChannel;

    const first = await channel.send({ content: 'one mask', nonce: 'mask-42', enforceNonce: true });
    const second = await channel.send({ content: 'one mask', nonce: 'mask-42', enforceNonce: true });

    expect(second.id).toBe(first.id);
    expect(fake.channelMessages(channelId)).toHaveLength(1);
    expect(fake.requests({ method: 'POST', path: `/channels/${channelId}/messages` })).toHaveLength(2);
  });

  it('given the network guard, then 10.0.0.1 is refused while the fake is reachable', async () => {
    fake = await startFakeDiscord(GUILD);

    expect(() => net.connect(443, '10.0.0.1')).toThrow(NetworkGuardError);
    expect(takeBlockedAttempts().map((attempt) => attempt.target)).toEqual(['10.0.0.1:443']);
    const response = await fetch(`${fake.apiUrl}/v10/gateway`);
    expect(response.status).toBe(200);
  });
});

import { ChangeFeed } from './change-feed.js';
import { systemClock } from './clock.js';
import { CommandStore } from './commands/store.js';
import { FakeDiscord } from './fake-discord.js';
import { guildCreateData, readyData } from './gateway/payloads.js';
import { FakeGateway } from './gateway/server.js';
import { FaultInjector } from './http/faults.js';
import { RequestLog } from './http/request-log.js';
import { Router } from './http/router.js';
import { startRestServer } from './http/server.js';
import { InteractionStore } from './interactions/store.js';
import { MessageStore } from './messages/store.js';
import { FAKE_DISCORD_DEFAULTS, type FakeDiscordOptions } from './options.js';
import { registerChannelRoutes } from './routes/channels.js';
import { registerCommandRoutes } from './routes/commands.js';
import { registerGuildRoutes } from './routes/guilds.js';
import { registerIdentityRoutes } from './routes/identity.js';
import { registerInteractionRoutes } from './routes/interactions.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { SnowflakeGenerator } from './snowflake.js';
import type { FakeSettings, FakeState } from './state.js';
import { buildWorld, makeUser } from './world/build.js';

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`startFakeDiscord: ${name} must be a positive number of ms or bytes, got ${value}`);
  }
  return value;
}

function settingsFrom(options: FakeDiscordOptions): FakeSettings {
  const d = FAKE_DISCORD_DEFAULTS;
  return Object.freeze({
    token: options.token ?? d.token,
    heartbeatIntervalMs: positive(
      'heartbeatIntervalMs',
      options.heartbeatIntervalMs ?? d.heartbeatIntervalMs,
    ),
    maxUploadBytes: positive('maxUploadBytes', options.maxUploadBytes ?? d.maxUploadBytes),
    interactionAckWindowMs: positive(
      'interactionAckWindowMs',
      options.interactionAckWindowMs ?? d.interactionAckWindowMs,
    ),
    interactionTokenLifetimeMs: positive(
      'interactionTokenLifetimeMs',
      options.interactionTokenLifetimeMs ?? d.interactionTokenLifetimeMs,
    ),
    nonceWindowMs: positive('nonceWindowMs', options.nonceWindowMs ?? d.nonceWindowMs),
  });
}

/**
 * Starts a fake Discord on 127.0.0.1: REST (`apiUrl`) and a gateway, each on a random port.
 *
 * @example
 * const fake = await startFakeDiscord({ guilds: [{ name: 'Test', channels: [{ name: 'general' }] }] });
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
 * await client.login(fake.token);
 * const { id } = fake.sendInteraction({ kind: 'slash', name: 'mask' });
 * await fake.waitFor(() => fake.originalResponse(id)?.attachments.length);
 * await client.destroy();
 * await fake.close();
 */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const settings = settingsFrom(options);
  const clock = options.clock ?? systemClock;
  const ids = new SnowflakeGenerator(clock);
  const feed = new ChangeFeed();

  const botId = options.bot?.id ?? ids.next();
  const botUser = makeUser(botId, {
    username: options.bot?.username ?? FAKE_DISCORD_DEFAULTS.botUsername,
    bot: true,
  });
  const applicationId = options.applicationId ?? botId;
  const world = buildWorld(
    options.guilds ?? FAKE_DISCORD_DEFAULTS.guilds,
    botUser,
    applicationId,
    ids,
    clock,
  );
  const messages = new MessageStore();
  const interactions = new InteractionStore();
  const commands = new CommandStore(applicationId, ids);

  // Both servers first, so their addresses are known; routes are added once the state is complete.
  const router = new Router();
  const faults = new FaultInjector();
  const log = new RequestLog(feed);
  const { server: restServer, origin } = await startRestServer({
    router,
    faults,
    log,
    clock,
    token: settings.token,
    // Ten files at the limit plus the JSON, beyond which Discord's edge refuses the request.
    maxBodyBytes: settings.maxUploadBytes * 10 + 1024 * 1024,
    interactionFor: (params) =>
      params.interaction !== undefined
        ? interactions.byId(params.interaction)?.id
        : params.token !== undefined
          ? interactions.byToken(params.token)?.id
          : undefined,
    attachment: (id) => messages.attachmentFile(id),
  });
  const gateway = await FakeGateway.start({
    token: settings.token,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    clock,
    feed,
    initialEvents: (session, resumeUrl) => [
      { t: 'READY', d: readyData(world, session.id, resumeUrl) },
      ...[...world.guilds.values()].map((guild) => ({
        t: 'GUILD_CREATE',
        d: guildCreateData(world, guild, session.intents),
      })),
    ],
  });

  const state: FakeState = {
    settings,
    clock,
    ids,
    world,
    messages,
    interactions,
    commands,
    events: gateway,
    compose: { ids, clock, origin },
    gatewayUrl: gateway.url,
  };
  // Literal paths (@me, @original) are registered before the routes with a parameter there.
  registerIdentityRoutes(router, state);
  registerCommandRoutes(router, state);
  registerInteractionRoutes(router, state);
  registerWebhookRoutes(router, state);
  registerChannelRoutes(router, state);
  registerGuildRoutes(router, state);

  return new FakeDiscord({
    state,
    origin,
    restServer,
    gateway,
    log,
    faults,
    feed,
    messages,
    interactions,
    commands,
  });
}

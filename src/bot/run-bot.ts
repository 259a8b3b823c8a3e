import { Events } from 'discord.js';
import { loadCommands } from '../../commands/index.js';
import type { Config } from '../config/config.js';
import { GeneratorClient } from '../generate/client.js';
import type { Logger } from '../log/logger.js';
import { NightlyScheduler } from '../schedule/nightly.js';
import { openStore } from '../store/index.js';
import { TrainerSupervisor } from '../trainer/supervisor.js';
import { createDiscordClient } from './client.js';
import type { BotContext } from './context.js';
import { MaskService } from './mask-service.js';
import { discordNightlyPoster } from './nightly-post.js';
import { createInteractionHandler } from './router.js';

/** What a running bot exposes to its caller: a way to stop it, and its parts for tests. */
export interface RunningBot {
  readonly ctx: BotContext;
  stop(): Promise<void>;
}

/**
 * Starts the bot, the trainer and the nightly schedule in this process (TF.js work runs in child
 * processes). Resolves once the client is ready and the schedule is running.
 */
export async function startBot(
  config: Config,
  logger: Logger,
  options: { trainer?: boolean; fresh?: boolean } = {},
): Promise<RunningBot> {
  const token = config.discord.token;
  const applicationId = config.discord.clientId;
  if (!token || !applicationId) throw new Error('bot mode needs DISCORD_TOKEN and DISCORD_CLIENT_ID');
  const log = logger.child({ subsystem: 'bot' });

  const store = openStore(config.paths.databaseFile, logger.child({ subsystem: 'store' }));
  const trainer = new TrainerSupervisor({ logger, fresh: options.fresh ?? false });
  const generator = new GeneratorClient({ logger });
  const client = createDiscordClient(config);
  const now = () => Date.now();
  const masks = new MaskService({ store, generator, rest: client.rest, applicationId, logger, now });
  const nightly = new NightlyScheduler({
    store,
    logger,
    post: discordNightlyPoster({
      client,
      rest: client.rest,
      generator,
      store,
      logger,
      folders: config.paths,
    }),
  });
  const ctx: BotContext = { config, logger: log, client, store, generator, trainer, masks, nightly, now };
  const commands = loadCommands();

  client.on(Events.InteractionCreate, createInteractionHandler(commands, ctx));
  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shardId) =>
    log.warn({ code: event.code, shardId }, 'gateway disconnected'),
  );
  client.on(Events.ShardResume, (shardId, replayed) =>
    log.info({ shardId, replayed }, 'gateway session resumed'),
  );
  client.rest.on('rateLimited', (info) =>
    log.warn({ route: info.route, retryAfterMs: info.retryAfter, global: info.global }, 'rate limited'),
  );

  if (options.trainer ?? true) trainer.start();
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token);
  await ready;
  log.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
  generator.warm();
  masks.start();
  await nightly.start();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      log.info('stopping: schedule first, then the queue, the trainer (with a checkpoint) and the client');
      await nightly.stop();
      await masks.stop();
      await trainer.stop();
      await generator.close();
      await client.destroy();
      store.close();
      log.info('stopped cleanly');
    })();
    return stopping;
  };
  return { ctx, stop };
}

/** `nightmask start` with a token: runs until SIGINT or SIGTERM, then stops cleanly. */
export async function runBot(
  config: Config,
  logger: Logger,
  options: { fresh?: boolean } = {},
): Promise<void> {
  const bot = await startBot(config, logger, options);
  await new Promise<void>((resolve) => {
    // stop() is idempotent, so a second Ctrl-C waits for the same clean stop instead of killing it.
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'signal received');
      void bot.stop().then(resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBot, startBot } from '../../src/bot/run-bot.js';
import { type Config, loadConfig } from '../../src/config/config.js';
import { createLogger, silentLogger } from '../../src/log/logger.js';
import { saveFreshCheckpoint } from '../support/checkpoint.js';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord/index.js';

export const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

/** A temporary install: folders, a tiny checkpoint, and the environment the bot and its children read. */
export async function makeInstall(
  fake: FakeDiscord,
): Promise<{ root: string; env: NodeJS.ProcessEnv; config: Config }> {
  const root = await mkdtemp(join(tmpdir(), 'nightmask-bot-'));
  const env: NodeJS.ProcessEnv = {
    DISCORD_TOKEN: fake.token,
    DISCORD_CLIENT_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    NIGHTMASK_DATA_DIR: join(root, 'data'),
    NIGHTMASK_MODELS_DIR: join(root, 'models'),
    NIGHTMASK_OUTPUT_DIR: join(root, 'out'),
    NIGHTMASK_BACKEND: 'cpu',
    NIGHTMASK_LOG_LEVEL: 'warn',
  };
  // The generator process reads the same environment as the bot.
  Object.assign(process.env, env);
  const config = loadConfig(env, root);

  await saveFreshCheckpoint(config.paths.checkpointsDir);
  return { root, env, config };
}

/** A fake Discord with one server: #general, #no-files (the bot may not attach files), alice and a moderator. */
export function startWorld(options: { nonceWindowMs?: number } = {}): Promise<FakeDiscord> {
  return startFakeDiscord({
    ...options,
    guilds: [
      {
        name: 'Haunted House',
        roles: [{ name: 'Mods', permissions: 1n << 5n }],
        channels: [
          { name: 'general' },
          { name: 'no-files', overwrites: [{ target: '@bot', deny: 1n << 15n }] },
        ],
        // The first member owns the server (and so may do anything); alice is an ordinary member.
        members: [
          { user: { username: 'owner' } },
          { user: { username: 'alice' } },
          { user: { username: 'morgan' }, roles: ['Mods'] },
        ],
      },
    ],
  });
}

export async function bootBot(config: Config): Promise<RunningBot> {
  return startBot(config, process.env.TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger, {
    trainer: false,
  });
}

export async function cleanup(parts: {
  bot?: RunningBot | undefined;
  fake?: FakeDiscord;
  root?: string;
}): Promise<void> {
  await parts.bot?.stop();
  await parts.fake?.close();
  if (parts.root) await rm(parts.root, { recursive: true, force: true });
}

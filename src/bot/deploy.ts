import { Routes } from 'discord.js';
import { loadCommands } from '../../commands/index.js';
import type { Config } from '../config/config.js';
import { createRest } from './client.js';

/**
 * Registers every slash command with Discord in one bulk overwrite: to the development server when
 * one is configured (instant), globally otherwise. A separate step from start-up on purpose: Discord
 * rate-limits command registration, and the commands only change when the code does.
 */
export async function deployCommands(config: Config, options: { global?: boolean } = {}) {
  const { token, clientId, devGuildId } = config.discord;
  if (!token || !clientId) throw new Error('registering commands needs DISCORD_TOKEN and DISCORD_CLIENT_ID');
  const body = [...loadCommands().values()].map((c) => c.data);
  const guildId = options.global ? undefined : devGuildId;
  const route = guildId
    ? Routes.applicationGuildCommands(clientId, guildId)
    : Routes.applicationCommands(clientId);
  const registered = (await createRest(config, token).put(route, { body })) as Array<{ name: string }>;
  return { names: registered.map((c) => c.name), guildId };
}

import { Client, GatewayIntentBits, REST } from 'discord.js';
import type { Config } from '../config/config.js';

/**
 * The discord.js client with only the Guilds intent: slash commands, buttons and channel
 * permissions need nothing more, and no privileged intent has to be enabled in the portal.
 * `DISCORD_API_URL` points REST (and, through /gateway/bot, the gateway) somewhere else, for tests.
 */
export function createDiscordClient(config: Config): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: config.discord.apiUrl },
  });
}

/** A REST client for work outside the gateway connection (registering commands). */
export function createRest(config: Config, token: string): REST {
  return new REST({ api: config.discord.apiUrl }).setToken(token);
}

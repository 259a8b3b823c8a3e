import type { Command } from 'commander';
import { deployCommands } from '../bot/deploy.js';
import { loadConfig } from '../config/config.js';
import { UsageError } from './errors.js';

export function registerDeployCommand(program: Command): void {
  program
    .command('deploy-commands')
    .description(
      'register the slash commands with Discord: to DISCORD_DEV_GUILD_ID when set (instant, for development), ' +
        'globally otherwise. Run it after changing commands, not at every start.',
    )
    .option('--global', 'register globally even when DISCORD_DEV_GUILD_ID is set')
    .action(async (opts: { global?: boolean }) => {
      const config = loadConfig();
      if (!config.discord.token || !config.discord.clientId) {
        throw new UsageError(
          'deploy-commands needs DISCORD_TOKEN and DISCORD_CLIENT_ID; set them in .env (see .env.example)',
        );
      }
      const { names, guildId } = await deployCommands(config, { global: opts.global ?? false });
      const where = guildId
        ? `server ${guildId}`
        : 'all servers (global commands can take up to an hour to appear)';
      console.log(
        `registered ${names.length} commands (${names.map((n) => `/${n}`).join(', ')}) for ${where}`,
      );
    });
}

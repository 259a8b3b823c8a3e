import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { BotContext } from '../../src/bot/context.js';
import { isModerator, requireModerator } from '../../src/bot/permissions.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/index.js';

function ctx(env: NodeJS.ProcessEnv = {}): BotContext {
  return {
    config: loadConfig(env),
    store: openStore(':memory:', silentLogger),
    logger: silentLogger,
  } as unknown as BotContext;
}

function member(permissions: bigint, roles: string[] = []) {
  return {
    guildId: '1',
    inGuild: () => true,
    user: { id: '9' },
    memberPermissions: new PermissionsBitField(permissions),
    member: { roles },
  } as never;
}

describe('moderator checks', () => {
  it('given Manage Server, then the member is a moderator; without it, not', () => {
    expect(isModerator(member(PermissionFlagsBits.ManageGuild), ctx())).toBe(true);
    expect(isModerator(member(PermissionFlagsBits.SendMessages), ctx())).toBe(false);
  });

  it('given a moderator role in the config or the server settings, then its holders are moderators', () => {
    const roleId = '123456789012345678';
    expect(isModerator(member(0n, [roleId]), ctx({ DISCORD_MODERATOR_ROLE_ID: roleId }))).toBe(true);
    const c = ctx();
    c.store.guilds.update('1', { moderatorRoleId: roleId });
    expect(isModerator(member(0n, [roleId]), c)).toBe(true);
    expect(isModerator(member(0n, ['999']), c)).toBe(false);
  });

  it('given a non-moderator, then requireModerator refuses with a message for that user', () => {
    expect(() => requireModerator(member(0n), ctx())).toThrow(/Only moderators can do that/);
  });
});

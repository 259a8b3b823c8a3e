import { type ButtonInteraction, type ChatInputCommandInteraction, PermissionFlagsBits } from 'discord.js';
import type { BotContext } from './context.js';
import { UserFacingError } from './errors.js';

/**
 * Moderators may steer training and the nightly post. Discord already hides those commands from
 * members without Manage Server (`default_member_permissions`), but server admins can change that in
 * their settings, so the check is made again here: Manage Server, or the configured moderator role.
 */
export function isModerator(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  ctx: BotContext,
): boolean {
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const guildRole = interaction.guildId ? ctx.store.guilds.get(interaction.guildId)?.moderatorRoleId : null;
  const roles = [guildRole, ctx.config.discord.moderatorRoleId].filter((r): r is string => Boolean(r));
  if (roles.length === 0) return false;
  const member = interaction.member;
  const held: string[] = member
    ? Array.isArray(member.roles)
      ? member.roles
      : [...member.roles.cache.keys()]
    : [];
  return roles.some((r) => held.includes(r));
}

export function requireModerator(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  ctx: BotContext,
): void {
  if (!interaction.inGuild()) throw new UserFacingError('guild-only', 'That only works inside a server.');
  if (!isModerator(interaction, ctx)) {
    throw new UserFacingError(
      'not-moderator',
      'Only moderators can do that: it needs the Manage Server permission' +
        (ctx.config.discord.moderatorRoleId ? ' or the moderator role.' : '.'),
    );
  }
}

export function audit(
  ctx: BotContext,
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  action: string,
  detail?: Record<string, unknown>,
): void {
  if (!interaction.guildId) return;
  ctx.store.audit.record({
    guildId: interaction.guildId,
    userId: interaction.user.id,
    action,
    ...(detail && { detail }),
  });
}

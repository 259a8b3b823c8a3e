import { PermissionFlagsBits } from 'discord.js';
import type { FakeGuildChannel, WorldGuild } from './types.js';

export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

// Discord's "implicit permissions": without SEND_MESSAGES in a text channel these are void too.
const NEEDS_SEND_MESSAGES =
  PermissionFlagsBits.MentionEveryone |
  PermissionFlagsBits.SendTTSMessages |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.EmbedLinks;

/**
 * A member's guild-wide permissions: @everyone plus each of their roles, everything for the
 * owner or an administrator. Follows Discord's documented "compute base permissions".
 */
export function guildPermissions(world: WorldGuild, userId: string): bigint {
  const { guild } = world;
  if (guild.owner_id === userId) return ALL_PERMISSIONS;

  const member = world.members.get(userId);
  const everyone = guild.roles.find((role) => role.id === guild.id);
  let permissions = BigInt(everyone?.permissions ?? '0');
  for (const roleId of member?.roles ?? []) {
    const role = guild.roles.find((candidate) => candidate.id === roleId);
    if (role) permissions |= BigInt(role.permissions);
  }

  return (permissions & PermissionFlagsBits.Administrator) !== 0n ? ALL_PERMISSIONS : permissions;
}

/**
 * A member's permissions in one channel: base permissions, then the @everyone overwrite, then all
 * role overwrites together, then the member's own overwrite; then the implicit rules (no
 * VIEW_CHANNEL means nothing, no SEND_MESSAGES drops what depends on it).
 */
export function channelPermissions(world: WorldGuild, channel: FakeGuildChannel, userId: string): bigint {
  let permissions = guildPermissions(world, userId);
  if (permissions === ALL_PERMISSIONS) return ALL_PERMISSIONS;

  const overwrites = channel.permission_overwrites ?? [];
  const everyone = overwrites.find((overwrite) => overwrite.id === world.guild.id);
  if (everyone) {
    permissions &= ~BigInt(everyone.deny);
    permissions |= BigInt(everyone.allow);
  }

  const roleIds = new Set(world.members.get(userId)?.roles ?? []);
  let roleAllow = 0n;
  let roleDeny = 0n;
  for (const overwrite of overwrites) {
    if (overwrite.type !== 0 || !roleIds.has(overwrite.id)) continue;
    roleAllow |= BigInt(overwrite.allow);
    roleDeny |= BigInt(overwrite.deny);
  }
  permissions &= ~roleDeny;
  permissions |= roleAllow;

  const own = overwrites.find((overwrite) => overwrite.type === 1 && overwrite.id === userId);
  if (own) {
    permissions &= ~BigInt(own.deny);
    permissions |= BigInt(own.allow);
  }

  if ((permissions & PermissionFlagsBits.ViewChannel) === 0n) return 0n;
  if ((permissions & PermissionFlagsBits.SendMessages) === 0n) permissions &= ~NEEDS_SEND_MESSAGES;
  return permissions;
}

import {
  type APIGuild,
  type APIGuildMember,
  type APIOverwrite,
  type APIRole,
  type APIUser,
  type ChannelFlags,
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  type GuildMemberFlags,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  type GuildSystemChannelFlags,
  GuildVerificationLevel,
  type Locale,
  OverwriteType,
  type RoleFlags,
  type UserFlags,
} from 'discord.js';
import { type Clock, discordTimestamp } from '../clock.js';
import {
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  type FakeChannelInput,
  type FakeGuildInput,
  type FakeOverwriteInput,
  type FakeUserInput,
} from '../options.js';
import type { SnowflakeGenerator } from '../snowflake.js';
import type { FakeGuildChannel, World, WorldGuild } from './types.js';

interface BuildContext {
  readonly ids: SnowflakeGenerator;
  readonly clock: Clock;
  readonly users: Map<string, APIUser>;
  readonly botUser: APIUser;
}

/** A user in the shape GET /users/:id returns for someone on the new (discriminator-less) names. */
export function makeUser(id: string, input: Omit<FakeUserInput, 'id'>): APIUser {
  return {
    id,
    username: input.username,
    discriminator: '0',
    global_name: input.bot ? null : (input.globalName ?? input.username),
    avatar: null,
    ...(input.bot ? { bot: true } : {}),
    public_flags: 0 as UserFlags,
    flags: 0 as UserFlags,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    collectibles: null,
    primary_guild: null,
  };
}

function role(id: string, name: string, permissions: bigint, position: number): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}

function member(user: APIUser, roles: string[], joinedAt: string, nick: string | null): APIGuildMember {
  return {
    user,
    nick,
    avatar: null,
    banner: null,
    roles,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

function resolveRoles(refs: readonly string[], roles: readonly APIRole[], where: string): string[] {
  return refs.map((ref) => {
    const match = roles.find((candidate) => candidate.id === ref || candidate.name === ref);
    if (!match) {
      const known = roles.map((candidate) => candidate.name).join(', ');
      throw new Error(
        `${where}: role "${ref}" is not in this guild (roles: ${known}); use a role id or name.`,
      );
    }
    return match.id;
  });
}

function resolveOverwrite(
  input: FakeOverwriteInput,
  guild: { id: string; roles: readonly APIRole[]; members: ReadonlyMap<string, APIGuildMember> },
  botUserId: string,
  where: string,
): APIOverwrite {
  const allow = (input.allow ?? 0n).toString();
  const deny = (input.deny ?? 0n).toString();
  if (input.target === '@everyone') return { id: guild.id, type: OverwriteType.Role, allow, deny };
  if (input.target === '@bot') return { id: botUserId, type: OverwriteType.Member, allow, deny };

  const matchedRole = guild.roles.find((r) => r.id === input.target || r.name === input.target);
  if (matchedRole && input.type !== 'member') {
    return { id: matchedRole.id, type: OverwriteType.Role, allow, deny };
  }
  const matchedMember = [...guild.members.values()].find(
    (m) => m.user.id === input.target || m.user.username === input.target,
  );
  if (matchedMember && input.type !== 'role') {
    return { id: matchedMember.user.id, type: OverwriteType.Member, allow, deny };
  }
  throw new Error(
    `${where}: overwrite target "${input.target}" matches no ${input.type ?? 'role or member'}; ` +
      "use a role id or name, a member's user id or username, '@everyone' or '@bot'.",
  );
}

function buildChannel(
  input: FakeChannelInput,
  position: number,
  guild: {
    id: string;
    name: string;
    roles: readonly APIRole[];
    members: ReadonlyMap<string, APIGuildMember>;
  },
  context: BuildContext,
): FakeGuildChannel {
  const where = `guild "${guild.name}" channel #${input.name}`;
  return {
    id: input.id ?? context.ids.next(),
    type: input.type ?? ChannelType.GuildText,
    name: input.name,
    position,
    permission_overwrites: (input.overwrites ?? []).map((overwrite) =>
      resolveOverwrite(overwrite, guild, context.botUser.id, where),
    ),
    parent_id: null,
    topic: input.topic ?? null,
    nsfw: input.nsfw ?? false,
    rate_limit_per_user: 0,
    last_message_id: null,
    flags: 0 as ChannelFlags,
  };
}

function buildGuild(input: FakeGuildInput, context: BuildContext): WorldGuild {
  const id = input.id ?? context.ids.next();
  const name = input.name ?? 'Nightmask Test Guild';
  const joinedAt = discordTimestamp(context.clock.now());

  // Roles: @everyone shares the guild's id and sits at position 0; Discord puts a bot's managed
  // role above the roles that existed when it joined.
  const roles: APIRole[] = [
    role(id, '@everyone', input.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS, 0),
  ];
  for (const [index, roleInput] of (input.roles ?? []).entries()) {
    const made = role(roleInput.id ?? context.ids.next(), roleInput.name, roleInput.permissions ?? 0n, 0);
    roles.push({ ...made, position: roleInput.position ?? index + 1, color: roleInput.color ?? 0 });
  }
  const botPermissions = input.botPermissions ?? DEFAULT_BOT_PERMISSIONS;
  const botRoleIds: string[] = [];
  if (botPermissions !== 0n) {
    const botRole = role(context.ids.next(), context.botUser.username, botPermissions, roles.length);
    roles.push({ ...botRole, managed: true, tags: { bot_id: context.botUser.id } });
    botRoleIds.push(botRole.id);
  }

  // Members, the bot's own among them: discord.js needs it to compute the bot's permissions.
  const members = new Map<string, APIGuildMember>();
  for (const memberInput of input.members ?? []) {
    const userId = memberInput.user.id ?? context.ids.next();
    const user = context.users.get(userId) ?? makeUser(userId, memberInput.user);
    context.users.set(userId, user);
    const roleIds = resolveRoles(memberInput.roles ?? [], roles, `guild "${name}" member ${user.username}`);
    members.set(userId, member(user, roleIds, joinedAt, memberInput.nick ?? null));
  }
  const extraBotRoles = resolveRoles(input.botRoles ?? [], roles, `guild "${name}" botRoles`);
  members.set(context.botUser.id, member(context.botUser, [...botRoleIds, ...extraBotRoles], joinedAt, null));

  const firstHuman = [...members.values()].find((m) => !m.user.bot);
  const scope = { id, name, roles, members };
  const channels = (input.channels ?? [{ name: 'general' }]).map((channelInput, position) =>
    buildChannel(channelInput, position, scope, context),
  );

  const guild: APIGuild = {
    id,
    name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: input.ownerId ?? firstHuman?.user.id ?? context.ids.next(),
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.AllMembers,
    roles,
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: channels[0]?.id ?? null,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: (input.locale ?? 'en-US') as Locale,
    max_members: 25_000_000,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: GuildNSFWLevel.Default,
    hub_type: null,
    incidents_data: null,
  };
  return { guild, channels, members, joinedAt };
}

/** Turns the test's description into the guilds, roles, channels and members the fake serves. */
export function buildWorld(
  guildInputs: readonly FakeGuildInput[],
  botUser: APIUser,
  applicationId: string,
  ids: SnowflakeGenerator,
  clock: Clock,
): World {
  const users = new Map<string, APIUser>([[botUser.id, botUser]]);
  const context: BuildContext = { ids, clock, users, botUser };
  const guilds = new Map<string, WorldGuild>();
  for (const input of guildInputs) {
    const built = buildGuild(input, context);
    guilds.set(built.guild.id, built);
  }
  return { botUser, applicationId, guilds, users };
}

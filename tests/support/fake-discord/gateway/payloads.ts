import {
  type APIGuildMember,
  type ApplicationFlags,
  type GatewayGuildCreateDispatchData,
  GatewayIntentBits,
  type GatewayReadyDispatchData,
} from 'discord.js';
import type { World, WorldGuild } from '../world/types.js';

/**
 * READY as Discord sends it to a bot: every guild starts out unavailable and arrives later in
 * its own GUILD_CREATE. `resume_gateway_url` is where discord.js reconnects to resume.
 */
export function readyData(world: World, sessionId: string, resumeGatewayUrl: string) {
  const data: GatewayReadyDispatchData = {
    v: 10,
    user: { ...world.botUser, verified: true, mfa_enabled: false, email: null },
    guilds: [...world.guilds.keys()].map((id) => ({ id, unavailable: true })),
    session_id: sessionId,
    resume_gateway_url: resumeGatewayUrl,
    shard: [0, 1],
    application: { id: world.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
  };
  // Fields Discord sends that the typings leave out; discord.js ignores them, other clients may not.
  return {
    ...data,
    session_type: 'normal',
    private_channels: [],
    presences: [],
    relationships: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: ['us-east', 'us-central'],
    user_settings: {},
    auth: {},
    _trace: ['["fake-discord",{"micros":0}]'],
  };
}

/**
 * GUILD_CREATE with everything discord.js needs to compute permissions: roles, channels with
 * their overwrites (without `guild_id`, as Discord sends them here) and members. Without the
 * GUILD_PRESENCES intent Discord only includes the bot's own member, and so does the fake.
 */
export function guildCreateData(
  world: World,
  guild: WorldGuild,
  intents: number,
): GatewayGuildCreateDispatchData {
  const everyone = (intents & GatewayIntentBits.GuildPresences) !== 0;
  const members: APIGuildMember[] = [...guild.members.values()].filter(
    (member) => everyone || member.user.id === world.botUser.id,
  );
  const channels = guild.channels.map(({ guild_id: _omitted, ...channel }) => channel);
  return {
    ...guild.guild,
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members,
    channels,
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

import type { APIGuild, APIGuildMember, APIGuildTextChannel, APIUser, ChannelType } from 'discord.js';

export type FakeGuildChannel = APIGuildTextChannel<ChannelType.GuildText | ChannelType.GuildAnnouncement>;

/** One guild as Discord would store it: the guild object (roles included), its channels and members. */
export interface WorldGuild {
  readonly guild: APIGuild;
  readonly channels: FakeGuildChannel[];
  /** Keyed by user id; the bot's own member is here too. */
  readonly members: Map<string, APIGuildMember>;
  /** When the bot joined, as sent in GUILD_CREATE. */
  readonly joinedAt: string;
}

/** Everything the fake serves that a test configured rather than the bot created. */
export interface World {
  readonly botUser: APIUser;
  readonly applicationId: string;
  readonly guilds: Map<string, WorldGuild>;
  readonly users: Map<string, APIUser>;
}

/** The guild and channel for a channel id, or undefined when no guild has it. */
export function findChannel(
  world: World,
  channelId: string,
): { guild: WorldGuild; channel: FakeGuildChannel } | undefined {
  for (const guild of world.guilds.values()) {
    const channel = guild.channels.find((candidate) => candidate.id === channelId);
    if (channel) return { guild, channel };
  }
  return undefined;
}

/** The channel as REST and INTERACTION_CREATE show it: with `guild_id`, which GUILD_CREATE leaves out. */
export function channelWithGuildId(guild: WorldGuild, channel: FakeGuildChannel): FakeGuildChannel {
  return { ...channel, guild_id: guild.guild.id };
}

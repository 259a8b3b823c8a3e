import { discordErrors } from '../http/errors.js';
import type { RouteRequest, Router } from '../http/router.js';
import type { FakeState } from '../state.js';
import { channelWithGuildId, type WorldGuild } from '../world/types.js';

/** Read-only guild routes: the guild, its roles, channels and members. */
export function registerGuildRoutes(router: Router, state: FakeState): void {
  const guildOf = (request: RouteRequest): WorldGuild => {
    const guild = state.world.guilds.get(request.params.guild ?? '');
    if (!guild) throw discordErrors.unknownGuild();
    return guild;
  };

  router.add('GET', '/guilds/:guild', (request) => {
    const world = guildOf(request);
    const counts =
      request.query.get('with_counts') === 'true'
        ? { approximate_member_count: world.members.size, approximate_presence_count: 0 }
        : {};
    return { status: 200, body: { ...world.guild, ...counts } };
  });

  router.add('GET', '/guilds/:guild/roles', (request) => ({
    status: 200,
    body: guildOf(request).guild.roles,
  }));

  router.add('GET', '/guilds/:guild/channels', (request) => {
    const world = guildOf(request);
    return { status: 200, body: world.channels.map((channel) => channelWithGuildId(world, channel)) };
  });

  router.add('GET', '/guilds/:guild/members/:user', (request) => {
    const member = guildOf(request).members.get(request.params.user ?? '');
    if (!member) throw discordErrors.unknownMember();
    return { status: 200, body: member };
  });
}

import { createHash } from 'node:crypto';
import type { APIApplication, APIGatewayBotInfo, ApplicationFlags } from 'discord.js';
import { discordErrors } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { FakeState } from '../state.js';

/** What discord.js asks at login (GET /gateway/bot), and who the bot and its application are. */
export function registerIdentityRoutes(router: Router, state: FakeState): void {
  let sessionStarts = 0;

  router.add('GET', '/gateway', () => ({ status: 200, body: { url: state.gatewayUrl } }), 'none');

  router.add('GET', '/gateway/bot', () => {
    sessionStarts += 1;
    const body: APIGatewayBotInfo = {
      url: state.gatewayUrl,
      shards: 1,
      session_start_limit: {
        total: 1000,
        remaining: Math.max(0, 1000 - sessionStarts),
        reset_after: 86_400_000,
        max_concurrency: 1,
      },
    };
    return { status: 200, body };
  });

  router.add('GET', '/users/@me', () => ({
    status: 200,
    body: { ...state.world.botUser, verified: true, mfa_enabled: false, email: null, locale: 'en-US' },
  }));

  router.add('GET', '/users/:user', ({ params }) => {
    const user = state.world.users.get(params.user ?? '');
    if (!user) throw discordErrors.unknownUser();
    return { status: 200, body: user };
  });

  router.add('GET', '/applications/@me', () => {
    const { botUser, applicationId } = state.world;
    const application: APIApplication = {
      id: applicationId,
      name: botUser.username,
      icon: null,
      description: '',
      summary: '',
      bot_public: false,
      bot_require_code_grant: false,
      bot: botUser,
      verify_key: createHash('sha256').update(applicationId).digest('hex'),
      team: null,
      flags: 0 as ApplicationFlags,
      flags_new: '0',
      approximate_guild_count: state.world.guilds.size,
      approximate_user_install_count: 0,
      redirect_uris: [],
      interactions_endpoint_url: null,
      role_connections_verification_url: null,
      integration_types_config: { 0: {} },
    };
    return { status: 200, body: application };
  });
}

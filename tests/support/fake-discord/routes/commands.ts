import { commandBody, commandList } from '../commands/schema.js';
import { discordErrors } from '../http/errors.js';
import { parseForm } from '../http/form-errors.js';
import type { RouteRequest, Router } from '../http/router.js';
import type { FakeState } from '../state.js';

/**
 * Command registration, global and per guild. Bodies are checked like Discord checks them
 * (names, lengths, option order) and stored with `default_member_permissions` as sent.
 */
export function registerCommandRoutes(router: Router, state: FakeState): void {
  const scopeOf = ({ params }: RouteRequest): { guildId?: string } => {
    if (params.app !== state.world.applicationId) throw discordErrors.unknownApplication();
    if (params.guild === undefined) return {};
    // A bot outside the guild (or one that never got applications.commands there) is refused.
    if (!state.world.guilds.has(params.guild)) throw discordErrors.missingAccess();
    return { guildId: params.guild };
  };

  for (const base of ['/applications/:app/commands', '/applications/:app/guilds/:guild/commands']) {
    router.add('GET', base, (request) => ({ status: 200, body: state.commands.list(scopeOf(request)) }));

    router.add('PUT', base, (request) => {
      const scope = scopeOf(request);
      const bodies = parseForm(commandList, request.json ?? []);
      return { status: 200, body: state.commands.overwrite(scope, bodies) };
    });

    router.add('POST', base, (request) => {
      const scope = scopeOf(request);
      const { command, created } = state.commands.upsert(scope, parseForm(commandBody, request.json ?? {}));
      return { status: created ? 201 : 200, body: command };
    });

    router.add('GET', `${base}/:command`, (request) => {
      const command = state.commands.get(scopeOf(request), request.params.command ?? '');
      if (!command) throw discordErrors.unknownCommand();
      return { status: 200, body: command };
    });

    router.add('DELETE', `${base}/:command`, (request) => {
      if (!state.commands.delete(scopeOf(request), request.params.command ?? '')) {
        throw discordErrors.unknownCommand();
      }
      return { status: 204 };
    });
  }
}

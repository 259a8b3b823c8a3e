import { type APIApplicationCommand, ApplicationCommandType, ApplicationIntegrationType } from 'discord.js';
import type { SnowflakeGenerator } from '../snowflake.js';
import type { CommandBody } from './schema.js';

/** Global commands live under the key `global`, guild commands under the guild's id. */
type Scope = { readonly guildId?: string | undefined };

function scopeKey(scope: Scope): string {
  return scope.guildId ?? 'global';
}

/**
 * Registered commands as Discord keeps them: a command overwritten with the same name and type
 * keeps its id and gets a new version, exactly what makes re-running a deploy script safe.
 */
export class CommandStore {
  readonly #byScope = new Map<string, APIApplicationCommand[]>();

  constructor(
    private readonly applicationId: string,
    private readonly ids: SnowflakeGenerator,
  ) {}

  list(scope: Scope): APIApplicationCommand[] {
    return [...(this.#byScope.get(scopeKey(scope)) ?? [])];
  }

  /** Bulk overwrite (PUT): the list becomes exactly `bodies`. */
  overwrite(scope: Scope, bodies: readonly CommandBody[]): APIApplicationCommand[] {
    const previous = this.list(scope);
    const next = bodies.map((body) => this.#toCommand(scope, body, this.#sameCommand(previous, body)));
    this.#byScope.set(scopeKey(scope), next);
    return next;
  }

  /** Create (POST), which at Discord replaces a command of the same name and type. */
  upsert(scope: Scope, body: CommandBody): { command: APIApplicationCommand; created: boolean } {
    const commands = this.list(scope);
    const existing = this.#sameCommand(commands, body);
    const command = this.#toCommand(scope, body, existing);
    const next = existing
      ? commands.map((c) => (c.id === existing.id ? command : c))
      : [...commands, command];
    this.#byScope.set(scopeKey(scope), next);
    return { command, created: existing === undefined };
  }

  get(scope: Scope, id: string): APIApplicationCommand | undefined {
    return this.list(scope).find((command) => command.id === id);
  }

  delete(scope: Scope, id: string): boolean {
    const commands = this.list(scope);
    const next = commands.filter((command) => command.id !== id);
    this.#byScope.set(scopeKey(scope), next);
    return next.length !== commands.length;
  }

  /** The command an interaction named `name` would be for: a guild command first, then global. */
  findByName(name: string, guildId: string): APIApplicationCommand | undefined {
    const match = (command: APIApplicationCommand) =>
      command.name === name && command.type === ApplicationCommandType.ChatInput;
    return this.list({ guildId }).find(match) ?? this.list({}).find(match);
  }

  #sameCommand(
    commands: readonly APIApplicationCommand[],
    body: CommandBody,
  ): APIApplicationCommand | undefined {
    const type = body.type ?? ApplicationCommandType.ChatInput;
    return commands.find((command) => command.name === body.name && command.type === type);
  }

  #toCommand(
    scope: Scope,
    body: CommandBody,
    existing: APIApplicationCommand | undefined,
  ): APIApplicationCommand {
    const { name_localizations, description_localizations, dm_permission, ...rest } = body;
    return {
      ...rest,
      id: existing?.id ?? this.ids.next(),
      application_id: this.applicationId,
      version: this.ids.next(),
      type: (body.type ?? ApplicationCommandType.ChatInput) as ApplicationCommandType,
      name: body.name,
      name_localizations: name_localizations ?? null,
      description: body.description ?? '',
      description_localizations: description_localizations ?? null,
      default_member_permissions: body.default_member_permissions ?? null,
      nsfw: body.nsfw ?? false,
      integration_types: (body.integration_types ?? [
        ApplicationIntegrationType.GuildInstall,
      ]) as ApplicationIntegrationType[],
      contexts: (body.contexts ?? null) as APIApplicationCommand['contexts'],
      // dm_permission is only meaningful, and only returned, for global commands.
      ...(scope.guildId === undefined
        ? { dm_permission: dm_permission ?? true }
        : { guild_id: scope.guildId }),
      ...(body.options !== undefined ? { options: body.options as APIApplicationCommand['options'] } : {}),
    } as APIApplicationCommand;
  }
}

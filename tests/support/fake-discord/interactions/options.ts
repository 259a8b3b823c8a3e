import {
  type APIApplicationCommand,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOption,
  type APIInteractionDataResolved,
  type InteractionType,
  ApplicationCommandOptionType as OptionType,
} from 'discord.js';
import { channelPermissions } from '../world/permissions.js';
import type { FakeGuildChannel, World, WorldGuild } from '../world/types.js';

export type OptionValue = string | number | boolean;
export type DataOption = APIApplicationCommandInteractionDataOption<InteractionType.ApplicationCommand>;

/** Options as a test writes them: `{ prompt: 'a bat', count: 2 }`, or the raw API array. */
export type OptionsInput = Readonly<Record<string, OptionValue>> | readonly DataOption[];

function inferType(value: OptionValue): OptionType {
  if (typeof value === 'boolean') return OptionType.Boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? OptionType.Integer : OptionType.Number;
  return OptionType.String;
}

function checkValue(commandName: string, name: string, type: OptionType, value: OptionValue): void {
  const expected =
    type === OptionType.Boolean
      ? 'boolean'
      : type === OptionType.Integer || type === OptionType.Number
        ? 'number'
        : 'string';
  if (typeof value !== expected || (type === OptionType.Integer && !Number.isInteger(value))) {
    throw new Error(
      `/${commandName} option "${name}" is registered as ${OptionType[type]}, got ${JSON.stringify(value)}`,
    );
  }
}

/** Where the interaction happens, which `resolved` permissions are computed against. */
export interface OptionScope {
  readonly world: World;
  readonly guild: WorldGuild;
  readonly channel: FakeGuildChannel;
  /** The invoking user. */
  readonly userId: string;
}

/** Adds the users, members, roles and channels an option points at, as Discord does in `resolved`. */
function resolve(
  resolved: APIInteractionDataResolved,
  type: OptionType,
  id: string,
  scope: OptionScope,
): void {
  const { guild } = scope;
  const member = guild.members.get(id);
  const role = guild.guild.roles.find((candidate) => candidate.id === id);
  const channel = guild.channels.find((candidate) => candidate.id === id);
  if ((type === OptionType.User || type === OptionType.Mentionable) && member) {
    resolved.users = { ...resolved.users, [id]: member.user };
    // A resolved member has no user, deaf or mute, and carries its permissions in this channel.
    const { user: _user, deaf: _deaf, mute: _mute, ...partial } = member;
    const permissions = String(channelPermissions(guild, scope.channel, id));
    resolved.members = { ...resolved.members, [id]: { ...partial, permissions } };
    return;
  }
  if ((type === OptionType.Role || type === OptionType.Mentionable) && role) {
    resolved.roles = { ...resolved.roles, [id]: role };
    return;
  }
  if (type === OptionType.Channel && channel) {
    // The invoking user's permissions in the chosen channel.
    const permissions = String(channelPermissions(guild, channel, scope.userId));
    const entry = { id, name: channel.name, type: channel.type, permissions, parent_id: null, flags: 0 };
    resolved.channels = { ...resolved.channels, [id]: entry as never };
    return;
  }
  throw new Error(`option value ${id} is not a ${OptionType[type]} in guild "${guild.guild.name}"`);
}

/**
 * Builds `data.options` (and `data.resolved`) for a slash command. With the command registered,
 * option types come from its definition and unknown, missing or off-choice options are refused,
 * since a Discord client would never send them; otherwise types are inferred from the values.
 */
export function commandOptions(
  commandName: string,
  command: APIApplicationCommand | undefined,
  input: OptionsInput | undefined,
  subcommand: string | undefined,
  scope: OptionScope,
): { options: DataOption[]; resolved?: APIInteractionDataResolved } {
  if (Array.isArray(input)) return { options: [...(input as readonly DataOption[])] };
  const values = (input ?? {}) as Readonly<Record<string, OptionValue>>;

  let definitions: readonly APIApplicationCommandOption[] | undefined = command?.options;
  if (subcommand !== undefined && definitions) {
    const sub = definitions.find((d) => d.type === OptionType.Subcommand && d.name === subcommand);
    if (!sub || sub.type !== OptionType.Subcommand) {
      throw new Error(`/${commandName} has no subcommand "${subcommand}"`);
    }
    definitions = sub.options ?? [];
  }

  const resolved: APIInteractionDataResolved = {};
  const options: DataOption[] = [];
  for (const [name, value] of Object.entries(values)) {
    const definition = definitions?.find((candidate) => candidate.name === name);
    if (definitions && !definition) {
      const known = definitions.map((candidate) => candidate.name).join(', ') || 'none';
      throw new Error(`/${commandName} has no option "${name}" (registered options: ${known})`);
    }
    const type = definition?.type ?? inferType(value);
    checkValue(commandName, name, type, value);
    const choices = definition && 'choices' in definition ? definition.choices : undefined;
    if (choices && !choices.some((choice) => choice.value === value)) {
      throw new Error(
        `/${commandName} option "${name}" only allows its choices, got ${JSON.stringify(value)}`,
      );
    }
    if ([OptionType.User, OptionType.Role, OptionType.Channel, OptionType.Mentionable].includes(type)) {
      resolve(resolved, type, String(value), scope);
    }
    options.push({ name, type, value } as DataOption);
  }

  for (const definition of definitions ?? []) {
    if ('required' in definition && definition.required && !(definition.name in values)) {
      throw new Error(`/${commandName} needs its required option "${definition.name}"`);
    }
  }

  const wrapped: DataOption[] =
    subcommand === undefined
      ? options
      : [{ type: OptionType.Subcommand, name: subcommand, options } as DataOption];
  const hasResolved = Object.keys(resolved).length > 0;
  return hasResolved ? { options: wrapped, resolved } : { options: wrapped };
}

import { randomBytes } from 'node:crypto';
import {
  type APIChatInputApplicationCommandGuildInteraction,
  type APIGuildMember,
  type APIInteraction,
  type APIInteractionGuildMember,
  type APIMessageComponentGuildInteraction,
  ApplicationCommandType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  type Locale,
} from 'discord.js';
import type { Clock } from '../clock.js';
import type { CommandStore } from '../commands/store.js';
import type { MessageStore } from '../messages/store.js';
import type { SnowflakeGenerator } from '../snowflake.js';
import { channelPermissions } from '../world/permissions.js';
import {
  channelWithGuildId,
  type FakeGuildChannel,
  findChannel,
  type World,
  type WorldGuild,
} from '../world/types.js';
import { commandOptions, type OptionsInput } from './options.js';
import type { InteractionRecord } from './store.js';

/** Who acts, and overrides for what Discord would compute from the configured guild. */
interface InteractionActor {
  /** Defaults to the first member of the guild that is not the bot. */
  readonly userId?: string;
  /** The user's client locale. Defaults to `en-US`. */
  readonly locale?: string;
  /** Overrides `member.permissions`, normally the user's computed permissions in the channel. */
  readonly memberPermissions?: bigint;
  /** Overrides `app_permissions`, normally the bot's computed permissions in the channel. */
  readonly appPermissions?: bigint;
}

/** A slash command (type 2) as a user would run it. */
export interface SlashCommandInput extends InteractionActor {
  readonly kind: 'slash';
  readonly name: string;
  readonly options?: OptionsInput;
  readonly subcommand?: string;
  /** Defaults to the first channel of `guildId`, or of the first guild. */
  readonly channelId?: string;
  readonly guildId?: string;
}

/** A button press (type 3) on a message the bot sent. */
export interface ButtonInput extends InteractionActor {
  readonly kind: 'button';
  readonly customId: string;
  readonly messageId: string;
}

export type InteractionInput = SlashCommandInput | ButtonInput;

export interface InteractionDeps {
  readonly world: World;
  readonly commands: CommandStore;
  readonly messages: MessageStore;
  readonly ids: SnowflakeGenerator;
  readonly clock: Clock;
  readonly maxUploadBytes: number;
}

/** Discord's tokens are base64 of `interaction:<id>:<secret>`; the prefix is how they look in logs. */
function interactionToken(id: string): string {
  return Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
}

function place(
  input: InteractionInput,
  deps: InteractionDeps,
): { guild: WorldGuild; channel: FakeGuildChannel } {
  if (input.kind === 'button') {
    const stored = deps.messages.get(input.messageId);
    const found = stored && findChannel(deps.world, stored.message.channel_id);
    if (!found) throw new Error(`sendInteraction: no message ${input.messageId} in any configured channel`);
    return found;
  }
  if (input.channelId !== undefined) {
    const found = findChannel(deps.world, input.channelId);
    if (!found) throw new Error(`sendInteraction: channel ${input.channelId} is not in any configured guild`);
    return found;
  }
  const guild =
    input.guildId !== undefined
      ? deps.world.guilds.get(input.guildId)
      : deps.world.guilds.values().next().value;
  const channel = guild?.channels[0];
  if (!guild || !channel)
    throw new Error('sendInteraction: configure a guild with at least one channel first');
  return { guild, channel };
}

function actor(input: InteractionInput, guild: WorldGuild, botId: string): APIGuildMember {
  const member =
    input.userId !== undefined
      ? guild.members.get(input.userId)
      : [...guild.members.values()].find((candidate) => candidate.user.id !== botId);
  if (!member) {
    const who = input.userId ?? 'a member other than the bot';
    throw new Error(`sendInteraction: guild "${guild.guild.name}" has no ${who}; add it under members`);
  }
  return member;
}

/** Builds the INTERACTION_CREATE data for `input` and the record the REST routes will check. */
export function buildInteraction(input: InteractionInput, deps: InteractionDeps): InteractionRecord {
  const { guild, channel } = place(input, deps);
  const member = actor(input, guild, deps.world.botUser.id);
  const id = deps.ids.next();
  const token = interactionToken(id);
  const memberPermissions = input.memberPermissions ?? channelPermissions(guild, channel, member.user.id);
  const appPermissions = input.appPermissions ?? channelPermissions(guild, channel, deps.world.botUser.id);
  const interactionMember: APIInteractionGuildMember = { ...member, permissions: String(memberPermissions) };
  const { permission_overwrites: _overwrites, ...partialChannel } = channelWithGuildId(guild, channel);

  const envelope = {
    id,
    application_id: deps.world.applicationId,
    token,
    version: 1 as const,
    guild_id: guild.guild.id,
    guild: { id: guild.guild.id, locale: guild.guild.preferred_locale, features: guild.guild.features },
    channel: { ...partialChannel, permissions: String(memberPermissions) },
    channel_id: channel.id,
    member: interactionMember,
    app_permissions: String(appPermissions),
    locale: (input.locale ?? 'en-US') as Locale,
    guild_locale: guild.guild.preferred_locale,
    entitlements: [],
    authorizing_integration_owners: { '0': guild.guild.id },
    context: InteractionContextType.Guild,
    attachment_size_limit: deps.maxUploadBytes,
  };

  let payload: APIInteraction;
  if (input.kind === 'slash') {
    const command = deps.commands.findByName(input.name, guild.guild.id);
    const scope = { world: deps.world, guild, channel, userId: member.user.id };
    const { options, resolved } = commandOptions(input.name, command, input.options, input.subcommand, scope);
    const slash: APIChatInputApplicationCommandGuildInteraction = {
      ...envelope,
      type: InteractionType.ApplicationCommand,
      data: {
        id: command?.id ?? deps.ids.next(),
        name: input.name,
        type: ApplicationCommandType.ChatInput,
        ...(command?.guild_id !== undefined ? { guild_id: command.guild_id } : {}),
        ...(options.length > 0 ? { options } : {}),
        ...(resolved ? { resolved } : {}),
      },
    };
    payload = slash;
  } else {
    const message = deps.messages.get(input.messageId)?.message;
    if (!message) throw new Error(`sendInteraction: message ${input.messageId} is gone`);
    const button: APIMessageComponentGuildInteraction = {
      ...envelope,
      type: InteractionType.MessageComponent,
      data: { custom_id: input.customId, component_type: ComponentType.Button },
      message,
    };
    payload = button;
  }

  return {
    id,
    token,
    type: payload.type,
    guildId: guild.guild.id,
    channelId: channel.id,
    userId: member.user.id,
    createdAtMs: deps.clock.now(),
    payload,
    sourceMessageId: input.kind === 'button' ? input.messageId : null,
    callbackType: null,
    originalMessageId: null,
    deferredReplyPending: false,
    followupMessageIds: [],
  };
}

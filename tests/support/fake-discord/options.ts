import { type ChannelType, PermissionFlagsBits } from 'discord.js';
import type { Clock } from './clock.js';

/** A user as a test describes it; ids are made up when left out. */
export interface FakeUserInput {
  readonly id?: string;
  readonly username: string;
  readonly globalName?: string;
  readonly bot?: boolean;
}

export interface FakeRoleInput {
  readonly id?: string;
  readonly name: string;
  readonly permissions?: bigint;
  readonly position?: number;
  readonly color?: number;
}

/**
 * A channel permission overwrite. `target` names a role (by id or name), `@everyone`, a member
 * (by user id) or `@bot` for the bot's own member; `type` is inferred when it is unambiguous.
 */
export interface FakeOverwriteInput {
  readonly target: string;
  readonly type?: 'role' | 'member';
  readonly allow?: bigint;
  readonly deny?: bigint;
}

export interface FakeChannelInput {
  readonly id?: string;
  readonly name: string;
  readonly type?: ChannelType.GuildText | ChannelType.GuildAnnouncement;
  readonly topic?: string;
  readonly nsfw?: boolean;
  readonly overwrites?: readonly FakeOverwriteInput[];
}

export interface FakeMemberInput {
  readonly user: FakeUserInput;
  /** Role ids or names from the same guild. */
  readonly roles?: readonly string[];
  readonly nick?: string;
}

export interface FakeGuildInput {
  readonly id?: string;
  readonly name?: string;
  /** Defaults to the first member that is not the bot. */
  readonly ownerId?: string;
  readonly locale?: string;
  /** Permissions of the @everyone role. */
  readonly everyonePermissions?: bigint;
  /**
   * Permissions of the managed role Discord creates for a bot when it joins with an invite
   * that asks for permissions. Use `0n` for a bot invited with none.
   */
  readonly botPermissions?: bigint;
  /** Further roles (ids or names) the bot's member holds. */
  readonly botRoles?: readonly string[];
  readonly roles?: readonly FakeRoleInput[];
  readonly channels?: readonly FakeChannelInput[];
  readonly members?: readonly FakeMemberInput[];
}

export interface FakeDiscordOptions {
  /** The bot token the fake accepts in `Authorization: Bot …` and IDENTIFY. */
  readonly token?: string;
  readonly bot?: { readonly id?: string; readonly username?: string };
  /** Defaults to the bot user's id, as for every bot made in the developer portal. */
  readonly applicationId?: string;
  /** Defaults to one guild with a #general channel and a member called alice. */
  readonly guilds?: readonly FakeGuildInput[];
  readonly clock?: Clock;
  readonly heartbeatIntervalMs?: number;
  /** Per-file upload limit; larger files get 413 with code 40005. */
  readonly maxUploadBytes?: number;
  /** How long after INTERACTION_CREATE the first callback is accepted. */
  readonly interactionAckWindowMs?: number;
  /** How long after INTERACTION_CREATE the interaction token works for webhook calls. */
  readonly interactionTokenLifetimeMs?: number;
  /** How far back `enforce_nonce` looks for a message with the same nonce. */
  readonly nonceWindowMs?: number;
}

/** What a fresh guild's @everyone role gets on Discord, minus the voice and event permissions. */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.ChangeNickname |
  PermissionFlagsBits.UseApplicationCommands;

/** What nightmask's invite link asks for. */
export const DEFAULT_BOT_PERMISSIONS: bigint =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseApplicationCommands;

export const FAKE_DISCORD_DEFAULTS = Object.freeze({
  token: 'ZmFrZS1ib3QtdG9rZW4.nightmask.test-only-token',
  botUsername: 'Nightmask',
  // What Discord sends today; tests that want to see heartbeats pass something shorter.
  heartbeatIntervalMs: 41_250,
  // The attachment limit for servers without boosts since 2024.
  maxUploadBytes: 10 * 1024 * 1024,
  interactionAckWindowMs: 3_000,
  interactionTokenLifetimeMs: 15 * 60_000,
  // Discord documents only "the past few minutes".
  nonceWindowMs: 5 * 60_000,
  guilds: Object.freeze([
    Object.freeze({
      name: 'Nightmask Test Guild',
      channels: Object.freeze([Object.freeze({ name: 'general' })]),
      members: Object.freeze([Object.freeze({ user: Object.freeze({ username: 'alice' }) })]),
    }),
  ]) as readonly FakeGuildInput[],
});

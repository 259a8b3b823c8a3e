/**
 * A fake Discord (REST v10 + gateway) on 127.0.0.1 for end-to-end tests of the real discord.js
 * client. Start it with {@link startFakeDiscord}; everything a test needs is on {@link FakeDiscord}.
 */
export type { WaitOptions } from './change-feed.js';
export { type Clock, ManualClock, systemClock } from './clock.js';
export type {
  FakeDiscord,
  GatewayControls,
  InjectedInteraction,
  InteractionState,
  RequestFilter,
} from './fake-discord.js';
export type { GatewayConnectionRecord, GatewayFrameRecord } from './gateway/records.js';
export type { FaultRule } from './http/faults.js';
export type { RecordedFile, RecordedRequest } from './http/request-log.js';
export type { ButtonInput, InteractionInput, SlashCommandInput } from './interactions/payload.js';
export {
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  FAKE_DISCORD_DEFAULTS,
  type FakeChannelInput,
  type FakeDiscordOptions,
  type FakeGuildInput,
  type FakeMemberInput,
  type FakeOverwriteInput,
  type FakeRoleInput,
  type FakeUserInput,
} from './options.js';
export { startFakeDiscord } from './start.js';
export { ALL_PERMISSIONS, channelPermissions } from './world/permissions.js';

/** The state store: open it with `openStore`; everything a caller needs is exported from here. */
export type { AuditEntry, AuditLog, NewAuditEntry } from './audit.js';
export { type Clock, systemClock } from './clock.js';
export type { Cooldowns } from './cooldowns.js';
export { StoreError, type StoreErrorCode } from './errors.js';
export {
  DEFAULT_GUILD_SETTINGS,
  type GuildSettings,
  type GuildSettingsPatch,
  type GuildSettingsRepo,
  type Notice,
} from './guilds.js';
export {
  type ClaimPolicy,
  type ClaimRef,
  type ClaimResult,
  DEFAULT_CLAIM_POLICY,
  type LedgerEntry,
  type LedgerState,
  type NightlyLedger,
} from './ledger.js';
export type { MaskRecord, MaskRepo, NewMask } from './masks.js';
export { MIGRATIONS, type Migration, migrate, schemaVersion } from './migrations.js';
export { GENERATE_ACTION, type GenerationQueue } from './queue.js';
export {
  DEFAULT_QUEUE_LIMITS,
  deliveryRoute,
  type EnqueueRefusal,
  type EnqueueResult,
  INTERACTION_LIFETIME_MS,
  type JobOutcome,
  type JobState,
  type JsonObject,
  type NewJob,
  type QueueJob,
  type QueueLimits,
} from './queue-types.js';
export { DEFAULT_STORE_PATH, openStore, type Store, type StoreOptions } from './store.js';
export {
  checkSeasonStart,
  checkTimeOfDay,
  checkTimeZone,
  formatMonthDay,
  formatTimeOfDay,
  type MonthDay,
  type Result,
  type TimeOfDay,
  type ValidationError,
} from './validate.js';

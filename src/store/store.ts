import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type Logger, silentLogger } from '../log/logger.js';
import { type AuditLog, createAuditLog } from './audit.js';
import { type Clock, systemClock } from './clock.js';
import { type Cooldowns, createCooldowns } from './cooldowns.js';
import { StoreError } from './errors.js';
import { createGuildSettingsRepo, type GuildSettingsRepo } from './guilds.js';
import { createNightlyLedger, type NightlyLedger } from './ledger.js';
import { createMaskRepo, type MaskRepo } from './masks.js';
import { migrate, schemaVersion } from './migrations.js';
import { createGenerationQueue, type GenerationQueue } from './queue.js';
import { DEFAULT_QUEUE_LIMITS, type QueueLimits } from './queue-types.js';

/** Where the bot keeps its state unless told otherwise (relative to the working directory). */
export const DEFAULT_STORE_PATH = 'data/nightmask.sqlite';

export interface StoreOptions {
  /** The time every repository stamps and compares with; tests pass a fake one. */
  readonly now?: Clock;
  /** How long to wait for another process's write lock before failing with SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
  readonly queue?: Partial<QueueLimits>;
}

/** The bot's state: one SQLite file, one repository per concept, all on the same clock. */
export interface Store {
  readonly path: string;
  readonly now: Clock;
  readonly guilds: GuildSettingsRepo;
  readonly ledger: NightlyLedger;
  readonly queue: GenerationQueue;
  readonly cooldowns: Cooldowns;
  readonly masks: MaskRepo;
  readonly audit: AuditLog;
  schemaVersion(): number;
  /** Closes the file. Safe to call twice. */
  close(): void;
}

/**
 * Opens (creating if needed) the store at `path`, or an in-memory one for ':memory:', and migrates it.
 * Throws a `StoreError` when the file cannot be opened or was written by a newer nightmask.
 *
 * @example
 * const store = openStore('data/nightmask.sqlite', logger.child({ subsystem: 'store' }));
 * store.guilds.update(guildId, { channelId, time: '21:00', timeZone: 'Europe/London', enabled: true });
 */
export function openStore(
  path: string = DEFAULT_STORE_PATH,
  logger: Logger = silentLogger,
  options: StoreOptions = {},
): Store {
  const now = options.now ?? systemClock;
  const db = openDatabase(path, options.busyTimeoutMs ?? 5_000);
  try {
    migrate(db, now, undefined, logger);
  } catch (err) {
    db.close();
    throw err;
  }

  const cooldowns = createCooldowns(db, now);
  const limits = { ...DEFAULT_QUEUE_LIMITS, ...options.queue };
  logger.debug({ path, schemaVersion: schemaVersion(db) }, 'store open');

  return {
    path,
    now,
    guilds: createGuildSettingsRepo(db, now),
    ledger: createNightlyLedger(db, now),
    queue: createGenerationQueue(db, now, cooldowns, limits),
    cooldowns,
    masks: createMaskRepo(db, now),
    audit: createAuditLog(db, now),
    schemaVersion: () => schemaVersion(db),
    close: () => {
      if (db.open) db.close();
    },
  };
}

function openDatabase(path: string, busyTimeoutMs: number): Database.Database {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);

    // WAL lets the bot read while another process writes; NORMAL sync is safe under WAL and much faster.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Two processes on one file (a redeploy overlapping the old bot) wait for each other instead of failing.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new StoreError(
      'open-failed',
      `Could not open the store at "${path}": ${reason}. ` +
        'Check that the folder exists and is writable, or choose another path.',
      { cause: err },
    );
  }
}

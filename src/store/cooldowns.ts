import type Database from 'better-sqlite3';
import type { Clock } from './clock.js';

/**
 * Per-user cooldowns, kept in the database so that restarting the bot does not hand everyone a fresh
 * allowance. `action` names what is limited (the queue uses 'generate').
 */
export interface Cooldowns {
  /** Milliseconds until the user may do `action` again; 0 when they may now. */
  remainingMs(userId: string, action: string): number;
  /** Starts (or restarts) a cooldown of `durationMs` from now. */
  start(userId: string, action: string, durationMs: number): void;
  clear(userId: string, action: string): void;
}

/** Builds the cooldown repository on an open, migrated database. */
export function createCooldowns(db: Database.Database, now: Clock): Cooldowns {
  const select = db.prepare<[string, string], { until_ms: number }>(
    'SELECT until_ms FROM cooldowns WHERE user_id = ? AND action = ?',
  );
  const upsert = db.prepare(`
    INSERT INTO cooldowns (user_id, action, until_ms) VALUES (?, ?, ?)
    ON CONFLICT (user_id, action) DO UPDATE SET until_ms = excluded.until_ms`);
  const remove = db.prepare('DELETE FROM cooldowns WHERE user_id = ? AND action = ?');

  return {
    remainingMs(userId, action) {
      const until = select.get(userId, action)?.until_ms ?? 0;
      return Math.max(0, until - now());
    },
    start(userId, action, durationMs) {
      upsert.run(userId, action, now() + durationMs);
    },
    clear(userId, action) {
      remove.run(userId, action);
    },
  };
}

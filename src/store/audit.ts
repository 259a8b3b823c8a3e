import type Database from 'better-sqlite3';
import type { Clock } from './clock.js';

/** A moderator action, e.g. `nightmare.channel` with `{ channelId }`. */
export interface NewAuditEntry {
  readonly guildId: string;
  readonly userId: string;
  readonly action: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface AuditEntry {
  readonly id: number;
  readonly guildId: string;
  readonly userId: string;
  readonly action: string;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly at: number;
}

export interface AuditLog {
  record(entry: NewAuditEntry): AuditEntry;
  /** A server's entries, newest first. */
  list(guildId: string, limit?: number): AuditEntry[];
}

interface Row {
  id: number;
  guild_id: string;
  user_id: string;
  action: string;
  detail: string;
  at: number;
}

function fromRow(row: Row): AuditEntry {
  return {
    id: row.id,
    guildId: row.guild_id,
    userId: row.user_id,
    action: row.action,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    at: row.at,
  };
}

/** Builds the audit log on an open, migrated database. Entries are only ever added. */
export function createAuditLog(db: Database.Database, now: Clock): AuditLog {
  const insert = db.prepare<[string, string, string, string, number], Row>(
    'INSERT INTO audit_log (guild_id, user_id, action, detail, at) VALUES (?, ?, ?, ?, ?) RETURNING *',
  );
  const select = db.prepare<[string, number], Row>(
    'SELECT * FROM audit_log WHERE guild_id = ? ORDER BY id DESC LIMIT ?',
  );

  return {
    record(entry) {
      const detail = JSON.stringify(entry.detail ?? {});
      return fromRow(insert.get(entry.guildId, entry.userId, entry.action, detail, now()) as Row);
    },
    list: (guildId, limit = 50) => select.all(guildId, limit).map(fromRow),
  };
}

import type Database from 'better-sqlite3';
import { type Logger, silentLogger } from '../log/logger.js';
import type { Clock } from './clock.js';
import { StoreError } from './errors.js';
import { SCHEMA_V1 } from './schema.js';

/** One numbered step of the schema. Versions start at 1 and increase by one; a step is never edited. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration this build knows, oldest first. Append; never change one that has shipped. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  { version: 1, name: 'settings, ledger, queue, cooldowns, masks, audit', sql: SCHEMA_V1 },
]);

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`;

/** The highest migration applied to this database, 0 for a new one. */
export function schemaVersion(db: Database.Database): number {
  db.exec(CREATE_MIGRATIONS_TABLE);
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

/**
 * Brings the database up to the newest migration and returns the versions it applied.
 *
 * All pending steps run in one IMMEDIATE transaction: a crash leaves the old schema intact, and a second
 * process starting at the same moment waits for the lock, then finds nothing left to do. A database that
 * is newer than this build is refused, because old code writing to a newer schema corrupts it quietly.
 */
export function migrate(
  db: Database.Database,
  now: Clock,
  migrations: readonly Migration[] = MIGRATIONS,
  logger: Logger = silentLogger,
): number[] {
  checkSequence(migrations);
  const latest = migrations.at(-1)?.version ?? 0;

  const apply = db.transaction((): number[] => {
    const current = schemaVersion(db);
    if (current > latest) {
      throw new StoreError(
        'schema-too-new',
        `The database is at schema version ${current}, but this nightmask only knows up to ${latest}. ` +
          'Upgrade nightmask, or point it at another database file.',
      );
    }
    const pending = migrations.filter((m) => m.version > current);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of pending) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now());
    }
    return pending.map((m) => m.version);
  });

  const applied = apply.immediate();
  if (applied.length > 0) logger.info({ applied, schemaVersion: latest }, 'migrated the store');
  return applied;
}

/** A gap or repeat in the list is a programming error; catch it before it touches a database. */
function checkSequence(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new StoreError(
        'bad-migrations',
        `Migration "${migration.name}" has version ${migration.version}; expected ${index + 1}.`,
      );
    }
  });
}

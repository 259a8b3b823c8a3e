import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, type Migration, migrate, openStore, StoreError } from '../../src/store/index.js';
import { tempDir } from './support/temp-store.js';

const now = () => 1_700_000_000_000;

describe('migrations', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('given a new file, then every migration is applied and recorded once', () => {
    const store = openStore(dir.file('fresh.sqlite'));
    expect(store.schemaVersion()).toBe(MIGRATIONS.length);
    store.close();

    const db = new Database(dir.file('fresh.sqlite'));
    const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    db.close();
  });

  it('given a migrated file, then opening it again applies nothing and keeps the data', () => {
    const first = openStore(dir.file('twice.sqlite'));
    first.audit.record({ guildId: 'g', userId: 'u', action: 'nightmare.off' });
    first.close();

    const db = new Database(dir.file('twice.sqlite'));
    expect(migrate(db, now)).toEqual([]);
    db.close();

    const second = openStore(dir.file('twice.sqlite'));
    expect(second.audit.list('g')).toHaveLength(1);
    second.close();
  });

  it('given a newer migration list, then only the new step runs, in order', () => {
    const db = new Database(':memory:');
    const v1: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER)' };
    const v2: Migration = { version: 2, name: 'two', sql: 'ALTER TABLE a ADD COLUMN y INTEGER' };
    expect(migrate(db, now, [v1])).toEqual([1]);
    expect(migrate(db, now, [v1, v2])).toEqual([2]);
    expect(migrate(db, now, [v1, v2])).toEqual([]);
    db.close();
  });

  it('given a failing step, then the whole batch rolls back and the version stays', () => {
    const db = new Database(':memory:');
    const good: Migration = { version: 1, name: 'good', sql: 'CREATE TABLE a (x INTEGER)' };
    const bad: Migration = { version: 2, name: 'bad', sql: 'CREATE TABLE nope (' };
    expect(() => migrate(db, now, [good, bad])).toThrow();
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'a'").all();
    expect(tables).toEqual([]);
    db.close();
  });

  it('given a database written by a newer nightmask, then opening it is refused with a clear message', () => {
    const path = dir.file('newer.sqlite');
    openStore(path).close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run();
    db.close();

    let error: unknown;
    try {
      openStore(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('schema-too-new');
    expect((error as StoreError).message).toMatch(/schema version 99.*only knows up to 1.*Upgrade nightmask/);
  });

  it('given a list with a gap in its versions, then it is rejected before touching the file', () => {
    const db = new Database(':memory:');
    const gap: Migration = { version: 2, name: 'skips one', sql: 'CREATE TABLE a (x INTEGER)' };
    expect(() => migrate(db, now, [gap])).toThrow(/expected 1/);
    db.close();
  });

  it('given a file store, then it runs in WAL mode with foreign keys and a busy timeout', () => {
    const store = openStore(dir.file('pragmas.sqlite'));
    store.close();
    const db = new Database(dir.file('pragmas.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();

    // foreign_keys and busy_timeout are per connection; check them through the store's own behaviour.
    const fk = openStore(':memory:');
    expect(() =>
      fk.masks.record({
        checkpointId: 'c',
        checkpointStep: 1,
        seed: 1,
        weirdness: 0.5,
        sizePx: 64,
        parentId: 'm-doesnotexist',
      }),
    ).toThrow(/FOREIGN KEY/);
    fk.close();
  });
});

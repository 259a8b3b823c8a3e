/**
 * Schema version 1. Times are integer milliseconds since the epoch; local dates and times are text in
 * the forms moderators see ('YYYY-MM-DD', 'HH:MM', 'MM-DD'). Tables are STRICT so a wrong type fails loudly.
 */
export const SCHEMA_V1 = `
  -- One row per server (and one for local mode, guild_id 'local').
  CREATE TABLE guild_settings (
    guild_id            TEXT PRIMARY KEY,
    channel_id          TEXT,
    time_of_day         TEXT NOT NULL CHECK (time_of_day GLOB '[0-2][0-9]:[0-5][0-9]'),
    time_zone           TEXT NOT NULL,
    enabled             INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    moderator_role_id   TEXT,
    season_start        TEXT CHECK (season_start IS NULL OR season_start GLOB '[01][0-9]-[0-3][0-9]'),
    notice              TEXT,
    notice_at           INTEGER,
    -- When time, zone or enabled last changed: a slot before it is not "missed", so it is not caught up.
    schedule_changed_at INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
  ) STRICT;

  -- The nightly ledger. The primary key is what makes a night's post exclusive across processes.
  CREATE TABLE nightly_ledger (
    guild_id    TEXT NOT NULL,
    night_date  TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('claimed', 'posted', 'skipped', 'failed')),
    nonce       TEXT NOT NULL,
    attempts    INTEGER NOT NULL,
    claimed_at  INTEGER NOT NULL,
    finished_at INTEGER,
    message_id  TEXT,
    reason      TEXT,
    detail      TEXT,
    PRIMARY KEY (guild_id, night_date)
  ) STRICT;

  -- AUTOINCREMENT so ids never repeat: the queue's order is the id order, even after deletes.
  CREATE TABLE generation_queue (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          TEXT NOT NULL,
    guild_id         TEXT,
    channel_id       TEXT,
    request          TEXT NOT NULL CHECK (json_valid(request)),
    reply_token      TEXT,
    reply_expires_at INTEGER,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    enqueued_at      INTEGER NOT NULL,
    started_at       INTEGER,
    finished_at      INTEGER,
    result           TEXT CHECK (result IS NULL OR json_valid(result))
  ) STRICT;
  -- One open request per user, enforced by the database so two processes cannot both accept one.
  CREATE UNIQUE INDEX generation_queue_one_open_per_user
    ON generation_queue (user_id) WHERE state IN ('pending', 'running');
  CREATE INDEX generation_queue_by_state ON generation_queue (state, id);

  CREATE TABLE cooldowns (
    user_id  TEXT NOT NULL,
    action   TEXT NOT NULL,
    until_ms INTEGER NOT NULL,
    PRIMARY KEY (user_id, action)
  ) STRICT;

  -- Every mask handed out, with what it takes to draw it again or make a variation of it.
  CREATE TABLE masks (
    id              TEXT PRIMARY KEY,
    checkpoint_id   TEXT NOT NULL,
    checkpoint_step INTEGER NOT NULL,
    seed            INTEGER NOT NULL,
    weirdness       REAL NOT NULL,
    size_px         INTEGER NOT NULL,
    parent_id       TEXT REFERENCES masks (id),
    guild_id        TEXT,
    user_id         TEXT,
    created_at      INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX masks_by_parent ON masks (parent_id);

  CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL CHECK (json_valid(detail)),
    at       INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX audit_log_by_guild ON audit_log (guild_id, at);
`;

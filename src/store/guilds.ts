import type Database from 'better-sqlite3';
import type { Clock } from './clock.js';
import {
  checkSeasonStart,
  checkTimeOfDay,
  checkTimeZone,
  formatMonthDay,
  formatTimeOfDay,
  type Result,
  type ValidationError,
} from './validate.js';

/** A server's nightly-nightmare settings, as `/nightmare` shows and changes them. */
export interface GuildSettings {
  readonly guildId: string;
  readonly channelId: string | null;
  /** Local wall time of the post, `HH:MM`. */
  readonly time: string;
  /** Canonical IANA zone name. */
  readonly timeZone: string;
  readonly enabled: boolean;
  readonly moderatorRoleId: string | null;
  /** First night of the season, `MM-DD`; null means the default, 10-01. */
  readonly seasonStart: string | null;
  /** A problem to tell moderators the next time they use `/nightmare`. */
  readonly notice: Notice | null;
  /** When time, zone or enabled last changed. */
  readonly scheduleChangedAt: number;
  readonly updatedAt: number;
}

export interface Notice {
  readonly text: string;
  readonly at: number;
}

/** What a moderator may change; a field left out keeps its value, `null` clears it. */
export interface GuildSettingsPatch {
  readonly channelId?: string | null;
  readonly time?: string;
  readonly timeZone?: string;
  readonly enabled?: boolean;
  readonly moderatorRoleId?: string | null;
  readonly seasonStart?: string | null;
}

/** Settings of a server that has not configured anything yet. */
export const DEFAULT_GUILD_SETTINGS = Object.freeze({ time: '21:00', timeZone: 'UTC', enabled: false });

export interface GuildSettingsRepo {
  /** The stored settings, or null if the server never configured the nightmare. */
  get(guildId: string): GuildSettings | null;
  /** Validates and saves a change, creating the row with defaults first if needed. */
  update(guildId: string, patch: GuildSettingsPatch): Result<GuildSettings, ValidationError>;
  /** Servers whose nightly post is switched on, in guild id order. */
  listEnabled(): GuildSettings[];
  /** Leaves a notice for moderators, replacing any earlier one. */
  setNotice(guildId: string, text: string): void;
  /** Returns the notice and clears it, so it is shown once. */
  takeNotice(guildId: string): Notice | null;
  remove(guildId: string): void;
}

interface Row {
  guild_id: string;
  channel_id: string | null;
  time_of_day: string;
  time_zone: string;
  enabled: number;
  moderator_role_id: string | null;
  season_start: string | null;
  notice: string | null;
  notice_at: number | null;
  schedule_changed_at: number;
  updated_at: number;
}

function fromRow(row: Row): GuildSettings {
  return {
    guildId: row.guild_id,
    channelId: row.channel_id,
    time: row.time_of_day,
    timeZone: row.time_zone,
    enabled: row.enabled === 1,
    moderatorRoleId: row.moderator_role_id,
    seasonStart: row.season_start,
    notice: row.notice === null ? null : { text: row.notice, at: row.notice_at ?? 0 },
    scheduleChangedAt: row.schedule_changed_at,
    updatedAt: row.updated_at,
  };
}

/** Builds the guild settings repository on an open, migrated database. */
export function createGuildSettingsRepo(db: Database.Database, now: Clock): GuildSettingsRepo {
  const select = db.prepare<[string], Row>('SELECT * FROM guild_settings WHERE guild_id = ?');
  const selectEnabled = db.prepare<[], Row>(
    'SELECT * FROM guild_settings WHERE enabled = 1 ORDER BY guild_id',
  );
  const upsert = db.prepare(`
    INSERT INTO guild_settings (guild_id, channel_id, time_of_day, time_zone, enabled, moderator_role_id,
                                season_start, schedule_changed_at, updated_at)
    VALUES (@guildId, @channelId, @time, @timeZone, @enabled, @moderatorRoleId, @seasonStart,
            @scheduleChangedAt, @updatedAt)
    ON CONFLICT (guild_id) DO UPDATE SET
      channel_id = excluded.channel_id, time_of_day = excluded.time_of_day,
      time_zone = excluded.time_zone, enabled = excluded.enabled,
      moderator_role_id = excluded.moderator_role_id, season_start = excluded.season_start,
      schedule_changed_at = excluded.schedule_changed_at, updated_at = excluded.updated_at`);
  const writeNotice = db.prepare('UPDATE guild_settings SET notice = ?, notice_at = ? WHERE guild_id = ?');
  const deleteRow = db.prepare('DELETE FROM guild_settings WHERE guild_id = ?');

  const get = (guildId: string): GuildSettings | null => {
    const row = select.get(guildId);
    return row ? fromRow(row) : null;
  };

  const update = db.transaction(
    (guildId: string, patch: GuildSettingsPatch): Result<GuildSettings, ValidationError> => {
      const checked = normalise(patch);
      if (!checked.ok) return checked;
      const change = checked.value;

      const before = get(guildId);
      const merged = {
        channelId: change.channelId !== undefined ? change.channelId : (before?.channelId ?? null),
        time: change.time ?? before?.time ?? DEFAULT_GUILD_SETTINGS.time,
        timeZone: change.timeZone ?? before?.timeZone ?? DEFAULT_GUILD_SETTINGS.timeZone,
        enabled: change.enabled ?? before?.enabled ?? DEFAULT_GUILD_SETTINGS.enabled,
        moderatorRoleId:
          change.moderatorRoleId !== undefined ? change.moderatorRoleId : (before?.moderatorRoleId ?? null),
        seasonStart: change.seasonStart !== undefined ? change.seasonStart : (before?.seasonStart ?? null),
      };

      // Local mode rewrites its settings at every start; only a real change may move the catch-up line.
      const at = now();
      const scheduleChanged =
        before === null ||
        before.time !== merged.time ||
        before.timeZone !== merged.timeZone ||
        before.enabled !== merged.enabled;
      upsert.run({
        guildId,
        ...merged,
        enabled: merged.enabled ? 1 : 0,
        scheduleChangedAt: scheduleChanged ? at : before.scheduleChangedAt,
        updatedAt: at,
      });
      return { ok: true, value: get(guildId) as GuildSettings };
    },
  );

  const takeNotice = db.transaction((guildId: string): Notice | null => {
    const notice = get(guildId)?.notice ?? null;
    if (notice) writeNotice.run(null, null, guildId);
    return notice;
  });

  return {
    get,
    update: (guildId, patch) => update.immediate(guildId, patch),
    listEnabled: () => selectEnabled.all().map(fromRow),
    setNotice: (guildId, text) => void writeNotice.run(text, now(), guildId),
    takeNotice: (guildId) => takeNotice.immediate(guildId),
    remove: (guildId) => void deleteRow.run(guildId),
  };
}

/** Validates the patch and rewrites its values into the canonical forms the table stores. */
function normalise(patch: GuildSettingsPatch): Result<GuildSettingsPatch, ValidationError> {
  let out: GuildSettingsPatch = { ...patch };
  if (patch.time !== undefined) {
    const time = checkTimeOfDay(patch.time);
    if (!time.ok) return time;
    out = { ...out, time: formatTimeOfDay(time.value) };
  }
  if (patch.timeZone !== undefined) {
    const zone = checkTimeZone(patch.timeZone);
    if (!zone.ok) return zone;
    out = { ...out, timeZone: zone.value };
  }
  if (patch.seasonStart !== undefined && patch.seasonStart !== null) {
    const start = checkSeasonStart(patch.seasonStart);
    if (!start.ok) return start;
    out = { ...out, seasonStart: formatMonthDay(start.value) };
  }
  return { ok: true, value: out };
}

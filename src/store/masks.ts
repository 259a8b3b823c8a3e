import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Clock } from './clock.js';

/** What it takes to draw a mask again: the same checkpoint and seed give the same picture. */
export interface NewMask {
  readonly checkpointId: string;
  readonly checkpointStep: number;
  readonly seed: number;
  readonly weirdness: number;
  readonly sizePx: number;
  /** The mask this one is a variation of. */
  readonly parentId?: string | null;
  readonly guildId?: string | null;
  readonly userId?: string | null;
}

export interface MaskRecord {
  /** Short id users type to ask for a variation, e.g. `m-k3v9qx`. */
  readonly id: string;
  readonly checkpointId: string;
  readonly checkpointStep: number;
  readonly seed: number;
  readonly weirdness: number;
  readonly sizePx: number;
  readonly parentId: string | null;
  readonly guildId: string | null;
  readonly userId: string | null;
  readonly createdAt: number;
}

export interface MaskRepo {
  /** Stores a handed-out mask under a new short id. A `parentId` must name a stored mask. */
  record(mask: NewMask): MaskRecord;
  get(id: string): MaskRecord | null;
  /** Variations made from a mask, oldest first. */
  variationsOf(id: string): MaskRecord[];
}

interface Row {
  id: string;
  checkpoint_id: string;
  checkpoint_step: number;
  seed: number;
  weirdness: number;
  size_px: number;
  parent_id: string | null;
  guild_id: string | null;
  user_id: string | null;
  created_at: number;
}

function fromRow(row: Row): MaskRecord {
  return {
    id: row.id,
    checkpointId: row.checkpoint_id,
    checkpointStep: row.checkpoint_step,
    seed: row.seed,
    weirdness: row.weirdness,
    sizePx: row.size_px,
    parentId: row.parent_id,
    guildId: row.guild_id,
    userId: row.user_id,
    createdAt: row.created_at,
  };
}

// No 0/o, 1/l/i: the id is read off a picture and typed back by hand.
const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';

function newMaskId(): string {
  const bytes = randomBytes(6);
  return `m-${Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('')}`;
}

/** Builds the mask repository on an open, migrated database. */
export function createMaskRepo(db: Database.Database, now: Clock): MaskRepo {
  const select = db.prepare<[string], Row>('SELECT * FROM masks WHERE id = ?');
  const selectChildren = db.prepare<[string], Row>(
    'SELECT * FROM masks WHERE parent_id = ? ORDER BY created_at, id',
  );
  const insert = db.prepare(`
    INSERT INTO masks (id, checkpoint_id, checkpoint_step, seed, weirdness, size_px, parent_id, guild_id,
                       user_id, created_at)
    VALUES (@id, @checkpointId, @checkpointStep, @seed, @weirdness, @sizePx, @parentId, @guildId,
            @userId, @createdAt)
    ON CONFLICT (id) DO NOTHING`);

  const get = (id: string): MaskRecord | null => {
    const row = select.get(id);
    return row ? fromRow(row) : null;
  };

  return {
    record(mask) {
      const values = {
        ...mask,
        parentId: mask.parentId ?? null,
        guildId: mask.guildId ?? null,
        userId: mask.userId ?? null,
        createdAt: now(),
      };
      // 31^6 ids make a collision rare but not impossible; draw again rather than fail a user's request.
      for (;;) {
        const id = newMaskId();
        if (insert.run({ ...values, id }).changes === 1) return get(id) as MaskRecord;
      }
    },
    get,
    variationsOf: (id) => selectChildren.all(id).map(fromRow),
  };
}

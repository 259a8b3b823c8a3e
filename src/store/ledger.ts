import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Clock } from './clock.js';

/**
 * claimed: someone is posting now (or died while posting); posted: confirmed with a message id;
 * skipped: deliberately not posted (no permission, no channel); failed: the attempt errored, may be retried.
 */
export type LedgerState = 'claimed' | 'posted' | 'skipped' | 'failed';

/** One server's one night. */
export interface LedgerEntry {
  readonly guildId: string;
  /** Local date of the night in the server's zone, `YYYY-MM-DD`. */
  readonly nightDate: string;
  readonly state: LedgerState;
  /**
   * Sent as Discord's `nonce` with `enforce_nonce`, the same on every attempt of this night, so a retry
   * after a crash between sending and confirming returns the first message instead of a second one.
   */
  readonly nonce: string;
  readonly attempts: number;
  readonly claimedAt: number;
  readonly finishedAt: number | null;
  readonly messageId: string | null;
  readonly reason: string | null;
  readonly detail: string | null;
}

/** The attempt a result belongs to: a late answer from a superseded attempt must not overwrite a newer. */
export type ClaimRef = Pick<LedgerEntry, 'guildId' | 'nightDate' | 'attempts'>;

export type ClaimResult =
  | { readonly kind: 'claimed'; readonly entry: LedgerEntry }
  | { readonly kind: 'already'; readonly entry: LedgerEntry };

/** When an unfinished claim may be taken over; see `claim`. */
export interface ClaimPolicy {
  /** A claim older than this is presumed dead (its process crashed) and may be taken over. */
  readonly leaseMs: number;
  /** A failed attempt is retried no sooner than this after it failed. */
  readonly retryDelayMs: number;
  /** After this many attempts the night is left alone. */
  readonly maxAttempts: number;
}

// Two minutes: ample for drawing and uploading one mask, and short enough that a retry after a crash
// between sending and confirming comes while Discord still remembers the nonce ("a few minutes").
export const DEFAULT_CLAIM_POLICY: ClaimPolicy = Object.freeze({
  leaseMs: 2 * 60_000,
  retryDelayMs: 60_000,
  maxAttempts: 3,
});

export interface NightlyLedger {
  /**
   * Takes the night for this process, or reports who has it. Exactly one caller gets 'claimed' for a new
   * night, even across processes sharing the file. An expired claim or a failed attempt is taken over
   * (keeping its nonce) until `maxAttempts`; 'posted' and 'skipped' are final.
   */
  claim(guildId: string, nightDate: string, policy?: ClaimPolicy): ClaimResult;
  /**
   * Records the posted message. A message exists whoever sent it, so this wins over a later attempt's
   * claim too; once posted, a second confirm keeps the first message id.
   */
  confirm(claim: ClaimRef, messageId: string): void;
  /** Records a deliberate skip (no permission, channel gone), if `claim` is still the current attempt. */
  markSkipped(claim: ClaimRef, reason: string, detail?: string): void;
  /** Records a failed attempt, if `claim` is still the current one; `claim` may retry it later. */
  markFailed(claim: ClaimRef, detail: string): void;
  get(guildId: string, nightDate: string): LedgerEntry | null;
  /** A server's nights, newest first. */
  list(guildId: string, limit?: number): LedgerEntry[];
}

interface Row {
  guild_id: string;
  night_date: string;
  state: LedgerState;
  nonce: string;
  attempts: number;
  claimed_at: number;
  finished_at: number | null;
  message_id: string | null;
  reason: string | null;
  detail: string | null;
}

function fromRow(row: Row): LedgerEntry {
  return {
    guildId: row.guild_id,
    nightDate: row.night_date,
    state: row.state,
    nonce: row.nonce,
    attempts: row.attempts,
    claimedAt: row.claimed_at,
    finishedAt: row.finished_at,
    messageId: row.message_id,
    reason: row.reason,
    detail: row.detail,
  };
}

/** Discord accepts nonces of up to 25 characters; 16 base64url characters carry 96 random bits. */
function newNonce(): string {
  return randomBytes(12).toString('base64url');
}

/** Builds the nightly ledger on an open, migrated database. */
export function createNightlyLedger(db: Database.Database, now: Clock): NightlyLedger {
  const select = db.prepare<[string, string], Row>(
    'SELECT * FROM nightly_ledger WHERE guild_id = ? AND night_date = ?',
  );
  const selectMany = db.prepare<[string, number], Row>(
    'SELECT * FROM nightly_ledger WHERE guild_id = ? ORDER BY night_date DESC LIMIT ?',
  );
  // The primary key makes this insert the arbiter: of two racing processes only one changes a row.
  const insert = db.prepare(`
    INSERT INTO nightly_ledger (guild_id, night_date, state, nonce, attempts, claimed_at)
    VALUES (?, ?, 'claimed', ?, 1, ?) ON CONFLICT DO NOTHING`);
  // Guarded by what the caller saw, so a takeover also succeeds for one process only.
  const takeOver = db.prepare(`
    UPDATE nightly_ledger SET state = 'claimed', attempts = attempts + 1, claimed_at = ?, finished_at = NULL
    WHERE guild_id = ? AND night_date = ? AND state = ? AND attempts = ?`);
  const confirm = db.prepare(`
    UPDATE nightly_ledger SET state = 'posted', finished_at = ?, message_id = ?, reason = NULL, detail = NULL
    WHERE guild_id = ? AND night_date = ? AND state IN ('claimed', 'failed')`);
  const finish = db.prepare(`
    UPDATE nightly_ledger SET state = ?, finished_at = ?, reason = ?, detail = ?
    WHERE guild_id = ? AND night_date = ? AND state = 'claimed' AND attempts = ?`);

  const get = (guildId: string, nightDate: string): LedgerEntry | null => {
    const row = select.get(guildId, nightDate);
    return row ? fromRow(row) : null;
  };

  const claim = db.transaction((guildId: string, nightDate: string, policy: ClaimPolicy): ClaimResult => {
    const at = now();
    if (insert.run(guildId, nightDate, newNonce(), at).changes === 1) {
      return { kind: 'claimed', entry: get(guildId, nightDate) as LedgerEntry };
    }

    const entry = get(guildId, nightDate) as LedgerEntry;
    if (!canTakeOver(entry, at, policy)) return { kind: 'already', entry };
    const changed = takeOver.run(at, guildId, nightDate, entry.state, entry.attempts).changes;
    const after = get(guildId, nightDate) as LedgerEntry;
    return changed === 1 ? { kind: 'claimed', entry: after } : { kind: 'already', entry: after };
  });

  const settle = (state: 'skipped' | 'failed', claim: ClaimRef, reason: string, detail: string | null) => {
    finish.run(state, now(), reason, detail, claim.guildId, claim.nightDate, claim.attempts);
  };

  return {
    // IMMEDIATE takes the write lock before reading, so the read and the takeover see one state.
    claim: (guildId, nightDate, policy = DEFAULT_CLAIM_POLICY) => claim.immediate(guildId, nightDate, policy),
    confirm: (claim, messageId) => void confirm.run(now(), messageId, claim.guildId, claim.nightDate),
    markSkipped: (claim, reason, detail) => settle('skipped', claim, reason, detail ?? null),
    markFailed: (claim, detail) => settle('failed', claim, 'error', detail),
    get,
    list: (guildId, limit = 31) => selectMany.all(guildId, limit).map(fromRow),
  };
}

function canTakeOver(entry: LedgerEntry, at: number, policy: ClaimPolicy): boolean {
  if (entry.attempts >= policy.maxAttempts) return false;
  if (entry.state === 'claimed') return at - entry.claimedAt >= policy.leaseMs;
  if (entry.state === 'failed') return at - (entry.finishedAt ?? entry.claimedAt) >= policy.retryDelayMs;
  return false;
}

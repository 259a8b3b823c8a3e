import type { Logger } from '../log/logger.js';
import type { ClaimPolicy, LedgerState, Store } from '../store/index.js';
import { type Night, type PostFn, type SkipReason, skipNotice } from './post.js';
import type { NightInfo } from './season.js';

/** How one night's attempt ended, as the scheduler reports it to its caller and logs. */
export type NightOutcome =
  | { readonly kind: 'posted'; readonly guildId: string; readonly night: string; readonly messageId: string }
  | {
      readonly kind: 'skipped';
      readonly guildId: string;
      readonly night: string;
      readonly reason: SkipReason;
    }
  | { readonly kind: 'failed'; readonly guildId: string; readonly night: string; readonly error: string }
  /** The ledger says someone has it, had it, or gave up on it. */
  | {
      readonly kind: 'already';
      readonly guildId: string;
      readonly night: string;
      readonly state: LedgerState;
    };

export interface AttemptDeps {
  readonly store: Store;
  readonly post: PostFn;
  readonly policy: ClaimPolicy;
  readonly logger: Logger;
}

type InSeason = Extract<NightInfo, { inSeason: true }>;

/**
 * One night, exactly once: claim it in the ledger, post, then record what happened. The claim is written
 * before anything is sent, so a second process, or this one restarted, finds it and stays away; the
 * confirm after sending closes it. A crash in between leaves a claim that a later attempt takes over
 * once its lease lapses, with the same nonce, so Discord answers the retry with the first message.
 */
export async function attemptNight(
  deps: AttemptDeps,
  guildId: string,
  night: string,
  info: InSeason,
  signal: AbortSignal,
): Promise<NightOutcome> {
  const { store, policy } = deps;
  const base = { guildId, night };

  // A read first, so the minutely check of a settled night never takes the write lock.
  const seen = store.ledger.get(guildId, night);
  const finished = seen?.state === 'posted' || seen?.state === 'skipped';
  const givenUp = seen?.state === 'failed' && seen.attempts >= policy.maxAttempts;
  if (seen && (finished || givenUp)) return { kind: 'already', ...base, state: seen.state };

  const claim = store.ledger.claim(guildId, night, policy);
  if (claim.kind === 'already') return { kind: 'already', ...base, state: claim.entry.state };
  const entry = claim.entry;
  const log = deps.logger.child({ guildId, nightDate: night, attempt: entry.attempts });

  const payload: Night = {
    nightDate: night,
    nightsUntilHalloween: info.nightsUntilHalloween,
    countdown: info.countdown,
    isFinale: info.isFinale,
    nonce: entry.nonce,
    attempt: entry.attempts,
  };
  const result = await deps.post(guildId, payload, signal).catch((err: unknown) => {
    log.error({ err }, 'nightly post threw');
    return { kind: 'failed', error: err instanceof Error ? err.message : String(err) } as const;
  });

  switch (result.kind) {
    case 'posted':
      store.ledger.confirm(entry, result.messageId);
      log.info({ messageId: result.messageId }, 'nightly nightmare posted');
      return { kind: 'posted', ...base, messageId: result.messageId };
    case 'skipped':
      store.ledger.markSkipped(entry, result.reason, result.detail);
      store.guilds.setNotice(guildId, skipNotice(night, result.reason, result.detail));
      log.warn({ reason: result.reason, detail: result.detail }, 'nightly nightmare skipped');
      return { kind: 'skipped', ...base, reason: result.reason };
    case 'failed':
      store.ledger.markFailed(entry, result.error);
      log.warn({ error: result.error, maxAttempts: policy.maxAttempts }, 'nightly post failed');
      return { kind: 'failed', ...base, error: result.error };
  }
}

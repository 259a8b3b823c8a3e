/** The shapes the generation queue takes and returns, and the mapping from its table rows. */

/** How long Discord lets a bot edit the reply to an interaction. */
export const INTERACTION_LIFETIME_MS = 15 * 60_000;

export type JobState = 'pending' | 'running' | 'done' | 'failed';
export type JsonObject = Readonly<Record<string, unknown>>;

export interface NewJob {
  readonly userId: string;
  readonly guildId?: string | null;
  readonly channelId?: string | null;
  /** What to generate (weirdness, parent mask, ...), kept as JSON; the queue does not look inside. */
  readonly request?: JsonObject;
  /** The interaction to edit while the job waits; it expires, see `deliveryRoute`. */
  readonly reply?: { readonly token: string; readonly expiresAt: number };
}

export interface QueueJob {
  readonly id: number;
  readonly userId: string;
  readonly guildId: string | null;
  readonly channelId: string | null;
  readonly request: JsonObject;
  readonly replyToken: string | null;
  readonly replyExpiresAt: number | null;
  readonly state: JobState;
  readonly attempts: number;
  readonly enqueuedAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly result: JsonObject | null;
}

/** Accepted with a place in line, or one of the refusals a user is told about. */
export type EnqueueResult =
  | { readonly kind: 'queued'; readonly job: QueueJob; readonly position: number }
  | EnqueueRefusal;

export type EnqueueRefusal =
  | { readonly kind: 'busy'; readonly retryAfterMs: number }
  | { readonly kind: 'already-pending'; readonly job: QueueJob; readonly position: number }
  | { readonly kind: 'cooldown'; readonly retryAfterMs: number };

export type JobOutcome =
  | { readonly ok: true; readonly result?: JsonObject }
  | { readonly ok: false; readonly error: string };

export interface QueueLimits {
  /** Most jobs waiting (not counting running ones); beyond it the answer is 'busy'. */
  readonly maxPending: number;
  /** Time after a delivered mask before the same user may ask again. */
  readonly cooldownMs: number;
  /** Guess of one job's length until the queue has finished jobs to measure. */
  readonly typicalJobMs: number;
  /** Attempts before a job that keeps dying with the worker is failed. */
  readonly maxAttempts: number;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = Object.freeze({
  maxPending: 20,
  cooldownMs: 2 * 60_000,
  typicalJobMs: 15_000,
  maxAttempts: 3,
});

/**
 * Where to deliver a finished job: by editing the interaction's reply while its token is still good
 * (with `marginMs` to spare for the upload), otherwise as a new message in the channel.
 */
export function deliveryRoute(job: QueueJob, now: number, marginMs = 30_000): 'reply' | 'channel' {
  const usable = job.replyToken !== null && job.replyExpiresAt !== null;
  return usable && now + marginMs < (job.replyExpiresAt ?? 0) ? 'reply' : 'channel';
}

export interface Row {
  id: number;
  user_id: string;
  guild_id: string | null;
  channel_id: string | null;
  request: string;
  reply_token: string | null;
  reply_expires_at: number | null;
  state: JobState;
  attempts: number;
  enqueued_at: number;
  started_at: number | null;
  finished_at: number | null;
  result: string | null;
}

export function fromRow(row: Row): QueueJob {
  return {
    id: row.id,
    userId: row.user_id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    request: JSON.parse(row.request) as JsonObject,
    replyToken: row.reply_token,
    replyExpiresAt: row.reply_expires_at,
    state: row.state,
    attempts: row.attempts,
    enqueuedAt: row.enqueued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    result: row.result === null ? null : (JSON.parse(row.result) as JsonObject),
  };
}

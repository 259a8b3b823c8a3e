import type Database from 'better-sqlite3';
import type { Clock } from './clock.js';
import type { Cooldowns } from './cooldowns.js';
import {
  type EnqueueResult,
  fromRow,
  type JobOutcome,
  type NewJob,
  type QueueJob,
  type QueueLimits,
  type Row,
} from './queue-types.js';

/** The cooldown `action` the queue starts when a user's mask is delivered. */
export const GENERATE_ACTION = 'generate';

/**
 * The generation queue: first come, first served, one open request per user, a bounded number waiting.
 * Rows survive restarts, so nobody loses their place (or their cooldown) when the bot is redeployed.
 * One worker process is expected to call `next`; several may `enqueue`.
 */
export interface GenerationQueue {
  /** Accepts a request and returns its place, or says why not and, where it helps, when to try again. */
  enqueue(job: NewJob): EnqueueResult;
  /** Takes the oldest waiting job and marks it running, or returns null when none waits. */
  next(): QueueJob | null;
  /** 1 for the next job to run, 2 behind it, ...; 0 while running; null once finished or unknown. */
  position(id: number): number | null;
  /** Waiting jobs in order; the index + 1 is each one's position, for editing the replies. */
  waiting(): QueueJob[];
  get(id: number): QueueJob | null;
  /** Finishes a running job. Success starts the user's cooldown; the reply token is dropped either way. */
  complete(id: number, outcome: JobOutcome): void;
  /**
   * On start: puts jobs left 'running' by a crash back in line at their old place, or fails those that
   * already had `maxAttempts` (a job that crashes the worker must not crash it forever).
   * Returns how many were put back.
   */
  requeueRunning(): number;
}

/** Builds the queue on an open, migrated database. */
export function createGenerationQueue(
  db: Database.Database,
  now: Clock,
  cooldowns: Cooldowns,
  limits: QueueLimits,
): GenerationQueue {
  const select = db.prepare<[number], Row>('SELECT * FROM generation_queue WHERE id = ?');
  const selectOpen = db.prepare<[string], Row>(
    "SELECT * FROM generation_queue WHERE user_id = ? AND state IN ('pending', 'running')",
  );
  const selectWaiting = db.prepare<[], Row>(
    "SELECT * FROM generation_queue WHERE state = 'pending' ORDER BY id",
  );
  const countAhead = db.prepare<[number], { ahead: number }>(
    "SELECT COUNT(*) AS ahead FROM generation_queue WHERE state = 'pending' AND id < ?",
  );
  const countWaiting = db.prepare<[], { waiting: number }>(
    "SELECT COUNT(*) AS waiting FROM generation_queue WHERE state = 'pending'",
  );
  const selectRunning = db.prepare<[], { started_at: number }>(
    "SELECT started_at FROM generation_queue WHERE state = 'running' ORDER BY started_at",
  );
  const recentDuration = db.prepare<[], { ms: number | null }>(`
    SELECT AVG(finished_at - started_at) AS ms FROM (
      SELECT finished_at, started_at FROM generation_queue
      WHERE state = 'done' AND started_at IS NOT NULL ORDER BY id DESC LIMIT 20)`);
  const insert = db.prepare(`
    INSERT INTO generation_queue
      (user_id, guild_id, channel_id, request, reply_token, reply_expires_at, state, enqueued_at)
    VALUES (@userId, @guildId, @channelId, @request, @replyToken, @replyExpiresAt, 'pending', @at)`);
  // One statement, so two workers can never take the same job.
  const take = db.prepare<[number], Row>(`
    UPDATE generation_queue SET state = 'running', started_at = ?, attempts = attempts + 1
    WHERE id = (SELECT id FROM generation_queue WHERE state = 'pending' ORDER BY id LIMIT 1)
    RETURNING *`);
  const finish = db.prepare(`
    UPDATE generation_queue SET state = ?, finished_at = ?, result = ?, reply_token = NULL
    WHERE id = ? AND state = 'running'`);
  const putBack = db.prepare(
    `UPDATE generation_queue SET state = 'pending', started_at = NULL
     WHERE state = 'running' AND attempts < ?`,
  );
  const giveUp = db.prepare(`
    UPDATE generation_queue SET state = 'failed', finished_at = ?, reply_token = NULL,
      result = json_object('error', 'the worker stopped during every attempt')
    WHERE state = 'running' AND attempts >= ?`);

  const get = (id: number): QueueJob | null => {
    const row = select.get(id);
    return row ? fromRow(row) : null;
  };

  const position = (id: number): number | null => {
    const job = get(id);
    if (job?.state === 'running') return 0;
    if (job?.state !== 'pending') return null;
    return (countAhead.get(id)?.ahead ?? 0) + 1;
  };

  /** When a place is likely to open: when the oldest running job should end, by recent job lengths. */
  const estimateWaitMs = (): number => {
    const typical = recentDuration.get()?.ms ?? limits.typicalJobMs;
    const oldest = selectRunning.get();
    const remaining = oldest ? typical - (now() - oldest.started_at) : typical;
    return Math.max(1_000, Math.ceil(remaining / 1_000) * 1_000);
  };

  const enqueue = db.transaction((job: NewJob): EnqueueResult => {
    const open = selectOpen.get(job.userId);
    if (open) return { kind: 'already-pending', job: fromRow(open), position: position(open.id) ?? 0 };

    const cooling = cooldowns.remainingMs(job.userId, GENERATE_ACTION);
    if (cooling > 0) return { kind: 'cooldown', retryAfterMs: cooling };

    if ((countWaiting.get()?.waiting ?? 0) >= limits.maxPending) {
      return { kind: 'busy', retryAfterMs: estimateWaitMs() };
    }

    const { lastInsertRowid } = insert.run({
      userId: job.userId,
      guildId: job.guildId ?? null,
      channelId: job.channelId ?? null,
      request: JSON.stringify(job.request ?? {}),
      replyToken: job.reply?.token ?? null,
      replyExpiresAt: job.reply?.expiresAt ?? null,
      at: now(),
    });
    const id = Number(lastInsertRowid);
    return { kind: 'queued', job: get(id) as QueueJob, position: position(id) ?? 1 };
  });

  const complete = db.transaction((id: number, outcome: JobOutcome): void => {
    const job = get(id);
    const result = outcome.ok ? (outcome.result ?? {}) : { error: outcome.error };
    const changed = finish.run(outcome.ok ? 'done' : 'failed', now(), JSON.stringify(result), id).changes;
    if (job && changed === 1 && outcome.ok && limits.cooldownMs > 0) {
      cooldowns.start(job.userId, GENERATE_ACTION, limits.cooldownMs);
    }
  });

  const requeueRunning = db.transaction((): number => {
    giveUp.run(now(), limits.maxAttempts);
    return putBack.run(limits.maxAttempts).changes;
  });

  return {
    // IMMEDIATE: the checks and the insert happen under one write lock, so limits hold across processes.
    enqueue: (job) => enqueue.immediate(job),
    next: () => {
      const row = take.get(now());
      return row ? fromRow(row) : null;
    },
    position,
    waiting: () => selectWaiting.all().map(fromRow),
    get,
    complete: (id, outcome) => complete.immediate(id, outcome),
    requeueRunning: () => requeueRunning.immediate(),
  };
}

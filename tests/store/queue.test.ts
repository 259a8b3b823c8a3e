import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deliveryRoute,
  type EnqueueResult,
  INTERACTION_LIFETIME_MS,
  type QueueJob,
  type Store,
} from '../../src/store/index.js';
import { type FakeClock, fakeClock, storeFiles } from './support/temp-store.js';

const limits = { maxPending: 3, cooldownMs: 120_000, typicalJobMs: 20_000, maxAttempts: 2 };

function queuedJob(result: EnqueueResult): QueueJob {
  if (result.kind !== 'queued') throw new Error(`expected queued, got ${result.kind}`);
  return result.job;
}

describe('generation queue', () => {
  let files: ReturnType<typeof storeFiles>;
  let clock: FakeClock;
  let store: Store;

  beforeEach(() => {
    files = storeFiles();
    clock = fakeClock(Date.UTC(2027, 9, 13, 19, 0));
    store = files.open('queue.sqlite', { now: clock, queue: limits });
  });
  afterEach(() => files.cleanup());

  it('given three users in turn, then they get positions 1, 2 and 3, first come first served', () => {
    const results = ['ann', 'bob', 'cat'].map((userId) => store.queue.enqueue({ userId }));
    expect(results.map((r) => (r.kind === 'queued' ? r.position : r.kind))).toEqual([1, 2, 3]);

    const first = store.queue.next();
    expect(first?.userId).toBe('ann');
    expect(store.queue.position(first?.id ?? -1)).toBe(0);
    expect(store.queue.waiting().map((job) => [job.userId, store.queue.position(job.id)])).toEqual([
      ['bob', 1],
      ['cat', 2],
    ]);
  });

  it('given a user with a request waiting, then a second one is refused as already pending', () => {
    const job = queuedJob(store.queue.enqueue({ userId: 'ann', request: { weirdness: 0.4 } }));
    const again = store.queue.enqueue({ userId: 'ann' });
    expect(again).toMatchObject({ kind: 'already-pending', position: 1, job: { id: job.id } });

    // Still refused while it runs: "pending" means not yet delivered.
    store.queue.next();
    expect(store.queue.enqueue({ userId: 'ann' })).toMatchObject({ kind: 'already-pending', position: 0 });
  });

  it('given a full queue, then a new user is told busy with a retry time from the running job', () => {
    store.queue.enqueue({ userId: 'ann' });
    const ann = store.queue.next();
    for (const userId of ['bob', 'cat', 'dan']) store.queue.enqueue({ userId });

    // ann has run 5 s of a typical 20 s; bob, cat and dan wait, which is the limit.
    clock.advance(5_000);
    expect(store.queue.enqueue({ userId: 'eve' })).toEqual({ kind: 'busy', retryAfterMs: 15_000 });
    expect(store.queue.waiting().map((job) => job.userId)).toEqual(['bob', 'cat', 'dan']);

    // Once ann is done and bob starts, a place is free and eve gets in at the back.
    store.queue.complete(ann?.id ?? -1, { ok: true });
    expect(store.queue.next()?.userId).toBe('bob');
    expect(store.queue.enqueue({ userId: 'eve' })).toMatchObject({ kind: 'queued', position: 3 });
  });

  it('given finished jobs, then the busy estimate follows how long jobs really took', () => {
    for (const userId of ['ann', 'bob']) {
      store.queue.enqueue({ userId });
      const job = store.queue.next();
      clock.advance(40_000);
      store.queue.complete(job?.id ?? -1, { ok: true });
    }
    for (const userId of ['cat', 'dan', 'eve']) store.queue.enqueue({ userId });
    expect(store.queue.enqueue({ userId: 'fay' })).toEqual({ kind: 'busy', retryAfterMs: 40_000 });
  });

  it('given a delivered mask, then the user is cooling down until the cooldown ends', () => {
    store.queue.enqueue({ userId: 'ann' });
    store.queue.complete(store.queue.next()?.id ?? -1, { ok: true, result: { maskId: 'm-abc' } });

    clock.advance(30_000);
    expect(store.queue.enqueue({ userId: 'ann' })).toEqual({ kind: 'cooldown', retryAfterMs: 90_000 });
    clock.advance(90_000);
    expect(store.queue.enqueue({ userId: 'ann' }).kind).toBe('queued');
  });

  it('given a failed job, then no cooldown starts and the reply token is dropped', () => {
    store.queue.enqueue({ userId: 'ann', reply: { token: 'secret', expiresAt: clock() + 60_000 } });
    const job = store.queue.next();
    store.queue.complete(job?.id ?? -1, { ok: false, error: 'trainer has no checkpoint yet' });

    expect(store.queue.get(job?.id ?? -1)).toMatchObject({
      state: 'failed',
      replyToken: null,
      result: { error: 'trainer has no checkpoint yet' },
    });
    expect(store.queue.enqueue({ userId: 'ann' }).kind).toBe('queued');
  });

  it('given a cooldown, then it survives closing and reopening the store', () => {
    store.queue.enqueue({ userId: 'ann' });
    store.queue.complete(store.queue.next()?.id ?? -1, { ok: true });
    store.close();

    clock.advance(60_000);
    const reopened = files.open('queue.sqlite', { now: clock, queue: limits });
    expect(reopened.cooldowns.remainingMs('ann', 'generate')).toBe(60_000);
    expect(reopened.queue.enqueue({ userId: 'ann' })).toEqual({ kind: 'cooldown', retryAfterMs: 60_000 });
  });

  it('given jobs left running by a crash, then start-up puts them back at their old place', () => {
    for (const userId of ['ann', 'bob']) store.queue.enqueue({ userId });
    const ann = store.queue.next();
    store.close();

    const reopened = files.open('queue.sqlite', { now: clock, queue: limits });
    expect(reopened.queue.requeueRunning()).toBe(1);
    expect(reopened.queue.waiting().map((job) => job.userId)).toEqual(['ann', 'bob']);
    expect(reopened.queue.position(ann?.id ?? -1)).toBe(1);
  });

  it('given a job that crashed the worker on every attempt, then start-up fails it instead', () => {
    store.queue.enqueue({ userId: 'ann' });
    store.queue.next();
    store.queue.requeueRunning();
    const second = store.queue.next();
    expect(second?.attempts).toBe(2);

    expect(store.queue.requeueRunning()).toBe(0);
    expect(store.queue.get(second?.id ?? -1)?.state).toBe('failed');
    expect(store.queue.enqueue({ userId: 'ann' }).kind).toBe('queued');
  });

  it('given a request older than an interaction lives, then it is delivered to the channel', () => {
    const expiresAt = clock() + INTERACTION_LIFETIME_MS;
    const job = queuedJob(
      store.queue.enqueue({ userId: 'ann', channelId: 'c1', reply: { token: 't', expiresAt } }),
    );
    expect(deliveryRoute(job, clock())).toBe('reply');
    expect(deliveryRoute(job, clock() + 14 * 60_000)).toBe('reply');
    expect(deliveryRoute(job, clock() + 16 * 60_000)).toBe('channel');
    expect(deliveryRoute(queuedJob(store.queue.enqueue({ userId: 'bob' })), clock())).toBe('channel');
  });

  it('given two stores on one file, then one pending per user holds across them', () => {
    const other = files.open('queue.sqlite', { now: clock, queue: limits });
    expect(store.queue.enqueue({ userId: 'ann' }).kind).toBe('queued');
    expect(other.queue.enqueue({ userId: 'ann' }).kind).toBe('already-pending');
    expect(other.queue.next()?.userId).toBe('ann');
    expect(store.queue.next()).toBeNull();
  });
});

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimResult, LedgerEntry, Store } from '../../src/store/index.js';
import { type FakeClock, fakeClock, storeFiles } from './support/temp-store.js';

const policy = { leaseMs: 5 * 60_000, retryDelayMs: 60_000, maxAttempts: 3 };

function claimed(result: ClaimResult): LedgerEntry {
  if (result.kind !== 'claimed')
    throw new Error(`expected claimed, got ${result.kind} (${result.entry.state})`);
  return result.entry;
}

describe('nightly ledger', () => {
  let files: ReturnType<typeof storeFiles>;
  let clock: FakeClock;
  let a: Store;
  let b: Store;

  beforeEach(() => {
    files = storeFiles();
    clock = fakeClock(Date.UTC(2027, 9, 13, 19, 0));
    a = files.open('ledger.sqlite', { now: clock });
    b = files.open('ledger.sqlite', { now: clock });
  });
  afterEach(() => files.cleanup());

  it('given two stores on one file, then only the first claim of a night wins', () => {
    const first = claimed(a.ledger.claim('g1', '2027-10-13', policy));
    const second = b.ledger.claim('g1', '2027-10-13', policy);
    expect(second).toMatchObject({ kind: 'already', entry: { state: 'claimed', nonce: first.nonce } });

    // Other nights and other servers are independent.
    expect(b.ledger.claim('g1', '2027-10-14', policy).kind).toBe('claimed');
    expect(b.ledger.claim('g2', '2027-10-13', policy).kind).toBe('claimed');
  });

  it('given a confirmed night, then it is final and a late second confirm keeps the first message', () => {
    const entry = claimed(a.ledger.claim('g1', '2027-10-13', policy));
    a.ledger.confirm(entry, 'msg-1');
    b.ledger.confirm(entry, 'msg-2');
    clock.advance(60 * 60_000);

    expect(b.ledger.claim('g1', '2027-10-13', policy)).toMatchObject({
      kind: 'already',
      entry: { state: 'posted', messageId: 'msg-1' },
    });
  });

  it('given a claim whose process died, then it is taken over after the lease with the same nonce', () => {
    const dead = claimed(a.ledger.claim('g1', '2027-10-13', policy));
    clock.advance(policy.leaseMs - 1);
    expect(b.ledger.claim('g1', '2027-10-13', policy).kind).toBe('already');

    clock.advance(1);
    const taken = claimed(b.ledger.claim('g1', '2027-10-13', policy));
    expect(taken).toMatchObject({ nonce: dead.nonce, attempts: 2, state: 'claimed' });
    expect(a.ledger.claim('g1', '2027-10-13', policy).kind).toBe('already');
  });

  it('given a superseded attempt that answers late, then it cannot overwrite the newer attempt', () => {
    const old = claimed(a.ledger.claim('g1', '2027-10-13', policy));
    clock.advance(policy.leaseMs);
    claimed(b.ledger.claim('g1', '2027-10-13', policy));

    a.ledger.markFailed(old, 'timed out');
    expect(b.ledger.get('g1', '2027-10-13')).toMatchObject({ state: 'claimed', attempts: 2 });
  });

  it('given a failed attempt, then it is retried after the delay until attempts run out', () => {
    let entry = claimed(a.ledger.claim('g1', '2027-10-13', policy));
    for (let attempt = 1; attempt < policy.maxAttempts; attempt += 1) {
      a.ledger.markFailed(entry, 'discord 503');
      expect(a.ledger.claim('g1', '2027-10-13', policy).kind).toBe('already');
      clock.advance(policy.retryDelayMs);
      entry = claimed(a.ledger.claim('g1', '2027-10-13', policy));
    }
    a.ledger.markFailed(entry, 'discord 503');
    clock.advance(policy.retryDelayMs);
    expect(a.ledger.claim('g1', '2027-10-13', policy)).toMatchObject({
      kind: 'already',
      entry: { state: 'failed', attempts: 3, detail: 'discord 503' },
    });
  });

  it('given a skipped night, then the reason is kept and the night is not retried', () => {
    const entry = claimed(a.ledger.claim('g1', '2027-10-13', policy));
    a.ledger.markSkipped(entry, 'missing-permissions', 'AttachFiles');
    clock.advance(policy.leaseMs * 10);

    expect(a.ledger.claim('g1', '2027-10-13', policy)).toMatchObject({
      kind: 'already',
      entry: { state: 'skipped', reason: 'missing-permissions', detail: 'AttachFiles' },
    });
    expect(a.ledger.list('g1').map((e) => e.nightDate)).toEqual(['2027-10-13']);
  });

  it('given four processes racing for the same 2000 nights, then each is claimed exactly once', async () => {
    const worker = fileURLToPath(new URL('./support/claim-worker.ts', import.meta.url));
    const path = files.dir.file('race.sqlite');
    files.open('race.sqlite').close();

    const children: ChildProcess[] = Array.from({ length: 4 }, () =>
      fork(worker, [path, '2000'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' }),
    );
    const message = (child: ChildProcess) =>
      new Promise<{ ready?: boolean; won?: string[] }>((resolve, reject) => {
        child.once('message', (m) => resolve(m as { ready?: boolean; won?: string[] }));
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`claim worker exited with code ${code}`)));
      });

    await Promise.all(children.map(message));
    const results = children.map(message);
    const startAt = Date.now() + 200;
    for (const child of children) child.send(startAt);
    const perChild = await Promise.all(results);
    const won = perChild.flatMap((r) => r.won ?? []);

    expect(won).toHaveLength(2000);
    expect(new Set(won).size).toBe(2000);
  });
});

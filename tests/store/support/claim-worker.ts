/**
 * A separate process for the cross-process ledger test: opens the store, waits for a start instant,
 * then tries to claim every night and reports the ones it won.
 */
import { openStore } from '../../../src/store/index.js';

const [path, nightsArg] = process.argv.slice(2);
if (!path || !nightsArg || !process.send) throw new Error('usage: claim-worker <db> <nights> (forked)');

const store = openStore(path);
const nights = Number(nightsArg);
process.send({ ready: true });

// The parent sends a start instant rather than "go now": IPC reaches the children one after another, and
// a child that starts early would win every night without a race.
process.once('message', (startAt: number) => {
  while (Date.now() < startAt) {
    // spin: a timer's wake-up jitter is coarser than the head start we are trying to remove
  }
  const won: string[] = [];
  for (let day = 0; day < nights; day += 1) {
    const night = new Date(Date.UTC(2027, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
    if (store.ledger.claim('race', night).kind === 'claimed') won.push(night);
  }
  store.close();
  process.send?.({ won }, () => process.exit(0));
});

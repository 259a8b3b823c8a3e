import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { fakeClock, storeFiles } from './support/temp-store.js';

const mask = { checkpointId: 'ckpt-000900', checkpointStep: 900, seed: 424242, weirdness: 0.7, sizePx: 128 };

describe('masks handed out and the audit log', () => {
  let files: ReturnType<typeof storeFiles>;
  let store: Store;

  beforeEach(() => {
    files = storeFiles();
    store = files.open('masks.sqlite', { now: fakeClock(Date.UTC(2027, 9, 20)) });
  });
  afterEach(() => files.cleanup());

  it('given a mask handed out, then its short id leads back to checkpoint and seed', () => {
    const record = store.masks.record({ ...mask, guildId: 'g1', userId: 'ann' });
    expect(record.id).toMatch(/^m-[2-9a-z]{6}$/);
    expect(store.masks.get(record.id)).toEqual(record);
    expect(record).toMatchObject({ ...mask, parentId: null });
  });

  it('given a variation, then it names its parent and the parent lists it', () => {
    const parent = store.masks.record(mask);
    const child = store.masks.record({ ...mask, seed: 7, parentId: parent.id });
    expect(store.masks.variationsOf(parent.id).map((m) => m.id)).toEqual([child.id]);
  });

  it('given moderator actions, then they are listed newest first with their details', () => {
    store.audit.record({
      guildId: 'g1',
      userId: 'mod',
      action: 'nightmare.channel',
      detail: { channelId: 'c1' },
    });
    store.audit.record({ guildId: 'g1', userId: 'mod', action: 'nightmare.off' });
    store.audit.record({ guildId: 'g2', userId: 'x', action: 'nightmare.time', detail: { time: '22:00' } });

    const entries = store.audit.list('g1');
    expect(entries.map((e) => [e.action, e.detail])).toEqual([
      ['nightmare.off', {}],
      ['nightmare.channel', { channelId: 'c1' }],
    ]);
    expect(entries[0]?.at).toBe(Date.UTC(2027, 9, 20));
  });
});

import type { Logger } from '../../../src/log/logger.js';
import { NightlyScheduler } from '../../../src/schedule/nightly.js';
import type { Night, PostFn, PostResult } from '../../../src/schedule/post.js';
import type { GuildSettingsPatch, Store } from '../../../src/store/index.js';
import { type FakeClock, fakeClock, storeFiles } from '../../store/support/temp-store.js';
import { FakeCron } from './fake-cron.js';

export interface PostCall {
  readonly guildId: string;
  readonly night: Night;
  readonly at: number;
}

/**
 * A channel that behaves like Discord with `enforce_nonce`: a second send with a nonce it has seen
 * returns the first message instead of posting again. `messages` is what users would see.
 */
export class FakeChannel {
  readonly messages: { id: string; guildId: string; nightDate: string; nonce: string; at: number }[] = [];

  send(guildId: string, night: Night, at: number): string {
    const seen = this.messages.find((m) => m.nonce === night.nonce);
    if (seen) return seen.id;
    const id = `msg-${this.messages.length + 1}`;
    this.messages.push({ id, guildId, nightDate: night.nightDate, nonce: night.nonce, at });
    return id;
  }
}

/** One "process": its own store connection on the shared file, its own scheduler and fake cron. */
export interface Proc {
  readonly store: Store;
  readonly cron: FakeCron;
  readonly scheduler: NightlyScheduler;
}

/**
 * A world for scheduler tests: one database file, one clock, one fake Discord channel, and as many
 * bot processes as a test starts. `post` defaults to a well-behaved send; tests swap in others.
 */
export function nightlyWorld(startMs: number) {
  const files = storeFiles();
  const clock: FakeClock = fakeClock(startMs);
  const channel = new FakeChannel();
  const calls: PostCall[] = [];
  const procs: Proc[] = [];

  const sendingPost: PostFn = async (guildId, night) => {
    calls.push({ guildId, night, at: clock() });
    return { kind: 'posted', messageId: channel.send(guildId, night, clock()) } satisfies PostResult;
  };

  return {
    clock,
    channel,
    calls,
    files,
    sendingPost,

    /** Starts a process on the shared file; `post` records into `calls` if you want it counted. */
    startProcess(options: { post?: PostFn; graceMs?: number; logger?: Logger } = {}): Proc {
      const store = files.open('world.sqlite', { now: clock });
      const cron = new FakeCron();
      const scheduler = new NightlyScheduler({
        store,
        cron,
        clock,
        post: options.post ?? sendingPost,
        ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
      });
      const proc = { store, cron, scheduler };
      procs.push(proc);
      return proc;
    },

    configure(guildId: string, patch: GuildSettingsPatch): void {
      const store = files.open('world.sqlite', { now: clock });
      const result = store.guilds.update(guildId, { channelId: 'c1', enabled: true, ...patch });
      if (!result.ok) throw new Error(result.error.message);
      store.close();
    },

    /** Moves the clock minute by minute over [from, to), firing each process's due cron tasks. */
    async runMinutes(from: number, to: number, only: readonly Proc[] = procs): Promise<void> {
      for (let t = from; t < to; t += 60_000) {
        clock.set(t);
        for (const proc of only) await proc.cron.fireAt(t);
      }
    },

    async cleanup(): Promise<void> {
      for (const proc of procs) await proc.scheduler.stop();
      files.cleanup();
    },
  };
}

/** Groups `calls` or messages by night, for "exactly one per night" assertions. */
export function countByNight(items: readonly { nightDate: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.nightDate] = (counts[item.nightDate] ?? 0) + 1;
  return counts;
}

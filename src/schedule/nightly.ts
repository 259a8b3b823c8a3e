import { type Logger, silentLogger } from '../log/logger.js';
import type { ClaimPolicy, Clock, GuildSettings, Store } from '../store/index.js';
import { DEFAULT_CLAIM_POLICY } from '../store/index.js';
import { attemptNight, type NightOutcome } from './attempt.js';
import { formatDate } from './calendar.js';
import { type CronHandle, type CronSeam, dailyAt, nodeCronSeam } from './cron.js';
import { localDateAt } from './localtime.js';
import type { PostFn } from './post.js';
import { describeNight } from './season.js';
import { dueSlots, nextSlot, parseSchedule, type Schedule, type Slot, slotOn } from './slots.js';

export interface NightlySchedulerOptions {
  readonly store: Store;
  /** Delivers a night; the scheduler never talks to Discord itself. */
  readonly post: PostFn;
  /** Defaults to the store's clock, so tests drive both with one fake. */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** How late a missed post may still go out (after a restart or an outage). Under a day. */
  readonly graceMs?: number;
  /** Defaults to node-cron; tests pass a fake they fire from their clock. */
  readonly cron?: CronSeam;
  /**
   * Whether node-cron's timers keep the process alive. Off by default (the Discord client does that in
   * the bot); local mode, where the scheduler may be all that runs, turns it on.
   */
  readonly keepAlive?: boolean;
  readonly claimPolicy?: ClaimPolicy;
}

/** Outcome of `/nightmare now`, which posts tonight's night at once if it is not out yet. */
export type NowOutcome =
  | NightOutcome
  | { readonly kind: 'not-configured'; readonly guildId: string }
  | { readonly kind: 'out-of-season'; readonly guildId: string; readonly nextSeasonStart: string };

export const DEFAULT_GRACE_MS = 2 * 60 * 60_000;

// node-cron may wake a hair before the minute; a slot due this close is treated as due.
const CRON_EARLY_TOLERANCE_MS = 1_000;
// The post is aborted this long before its claim lapses, so no other process can take over mid-send.
const LEASE_MARGIN_MS = 15_000;

interface GuildTask {
  readonly expression: string;
  readonly timeZone: string;
  readonly handle: CronHandle;
}

/**
 * Posts each server's nightly nightmare exactly once per night.
 *
 * node-cron wakes a server's task at its slot minute in its zone, and a once-a-minute tick checks every
 * server besides. Neither decides alone: each asks which slot is due (by the DST-correct instant, see
 * `localtime.ts`) and the ledger whether that night is taken. So a minute that never happens (spring
 * forward) is posted by the tick just after the gap; a minute that happens twice (fall back) posts once,
 * at its first occurrence; a restart, or a second process on the same file, finds the night claimed.
 *
 * @example
 * const scheduler = new NightlyScheduler({ store, post: postToDiscord, logger });
 * await scheduler.start();             // schedules servers and catches up a post missed tonight
 * scheduler.reschedule(guildId);       // after /nightmare time|channel|off
 * await scheduler.stop();              // on SIGTERM
 */
export class NightlyScheduler {
  private readonly store: Store;
  private readonly post: PostFn;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly graceMs: number;
  private readonly cron: CronSeam;
  private readonly policy: ClaimPolicy;
  private readonly tasks = new Map<string, GuildTask>();
  private readonly inFlight = new Map<string, { done: Promise<NightOutcome>; abort: AbortController }>();
  private minutely: CronHandle | null = null;

  constructor(options: NightlySchedulerOptions) {
    this.store = options.store;
    this.post = options.post;
    this.clock = options.clock ?? options.store.now;
    this.logger = (options.logger ?? silentLogger).child({ subsystem: 'nightly' });
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    // Past a day, yesterday's and today's slots could both be due; the arithmetic assumes at most one.
    if (!(this.graceMs > 0 && this.graceMs < 24 * 60 * 60_000)) {
      throw new RangeError(`graceMs must be more than 0 and under a day (86400000), got ${this.graceMs}.`);
    }
    this.cron = options.cron ?? nodeCronSeam(this.logger, { keepAlive: options.keepAlive ?? false });
    this.policy = options.claimPolicy ?? DEFAULT_CLAIM_POLICY;
  }

  /** Schedules every enabled server, starts the minutely tick, and catches up tonight's missed posts. */
  async start(): Promise<NightOutcome[]> {
    if (this.minutely) return [];
    this.minutely = this.cron.schedule('* * * * *', () => this.guarded(() => this.tick()), {
      name: 'nightly-tick',
    });
    const caughtUp = await this.tick();
    this.logger.info({ guilds: this.tasks.size, caughtUp: caughtUp.length }, 'nightly schedule started');
    return caughtUp;
  }

  /** Stops every timer, aborts posts in progress, and waits for them to record how they ended. */
  async stop(): Promise<void> {
    this.minutely?.stop();
    this.minutely = null;
    for (const task of this.tasks.values()) task.handle.stop();
    this.tasks.clear();

    const running = [...this.inFlight.values()];
    for (const attempt of running) attempt.abort.abort(new Error('the nightly scheduler is stopping'));
    await Promise.allSettled(running.map((attempt) => attempt.done));
  }

  /** Re-reads a server's settings and moves (or removes) its task; call after a moderator changes them. */
  reschedule(guildId: string): void {
    if (!this.minutely) return;
    const settings = this.store.guilds.get(guildId);
    this.syncTask(guildId, settings?.enabled ? settings : null);
  }

  /**
   * Posts every enabled server's due night that is not yet in the ledger. The minutely task calls this;
   * tests call it with their own `now`. Problems with one server are logged and do not stop the others.
   */
  async tick(now: number = this.clock()): Promise<NightOutcome[]> {
    const guilds = this.store.guilds.listEnabled();
    if (this.minutely) this.syncTasks(guilds);

    const outcomes: NightOutcome[] = [];
    for (const settings of guilds) {
      outcomes.push(...(await this.runDue(settings, now)));
    }
    return outcomes;
  }

  /** Runs one server's due night, as its cron task does at the slot minute. */
  async runGuild(guildId: string, now: number = this.clock()): Promise<NightOutcome[]> {
    const settings = this.store.guilds.get(guildId);
    return settings?.enabled ? this.runDue(settings, now) : [];
  }

  /**
   * `/nightmare now`: posts tonight's night at once, in or out of the server's set time. It takes the
   * night's ledger entry, so the scheduled post later that night finds it taken.
   */
  async postNow(guildId: string, now: number = this.clock()): Promise<NowOutcome> {
    const settings = this.store.guilds.get(guildId);
    const parsed = settings ? parseSchedule(settings) : null;
    if (!parsed?.ok) return { kind: 'not-configured', guildId };

    const slot = slotOn(localDateAt(now, parsed.value.timeZone), parsed.value);
    const info = describeNight(slot.nightDate, parsed.value.seasonStart);
    if (!info.inSeason)
      return { kind: 'out-of-season', guildId, nextSeasonStart: formatDate(info.nextSeasonStart) };
    return this.attempt(guildId, slot, parsed.value);
  }

  /** The next slot of an enabled server, for `/nightmare status`; null when it is off. */
  nextSlotFor(guildId: string, now: number = this.clock()): Slot | null {
    const settings = this.store.guilds.get(guildId);
    const parsed = settings?.enabled ? parseSchedule(settings) : null;
    return parsed?.ok ? nextSlot(parsed.value, now) : null;
  }

  private async runDue(settings: GuildSettings, now: number): Promise<NightOutcome[]> {
    const log = this.logger.child({ guildId: settings.guildId });
    try {
      const parsed = parseSchedule(settings);
      if (!parsed.ok) {
        log.warn({ error: parsed.error.message }, 'stored schedule no longer valid; not posting');
        return [];
      }
      const outcomes: NightOutcome[] = [];
      for (const slot of dueSlots(parsed.value, now, this.graceMs)) {
        outcomes.push(await this.attempt(settings.guildId, slot, parsed.value));
      }
      return outcomes;
    } catch (err) {
      // A store error (say, SQLITE_BUSY past the timeout) must not take the other servers down with it.
      log.error({ err }, 'nightly check failed');
      return [];
    }
  }

  /** One attempt at a slot, unless this process is already at it; aborted before the claim lapses. */
  private async attempt(guildId: string, slot: Slot, schedule: Schedule): Promise<NightOutcome> {
    const key = `${guildId}/${slot.night}`;
    const running = this.inFlight.get(key);
    if (running) return { kind: 'already', guildId, night: slot.night, state: 'claimed' };

    const info = describeNight(slot.nightDate, schedule.seasonStart);
    if (!info.inSeason) throw new Error(`slot ${key} is out of season; dueSlots should not return it`);

    const abort = new AbortController();
    const deadline = setTimeout(
      () => abort.abort(new Error('the nightly claim is about to lapse')),
      Math.max(1_000, this.policy.leaseMs - LEASE_MARGIN_MS),
    );
    deadline.unref();

    const deps = { store: this.store, post: this.post, policy: this.policy, logger: this.logger };
    const done = attemptNight(deps, guildId, slot.night, info, abort.signal);
    this.inFlight.set(key, { done, abort });
    try {
      return await done;
    } finally {
      clearTimeout(deadline);
      this.inFlight.delete(key);
    }
  }

  /** Makes the cron tasks match the enabled servers: one per server, at its time, in its zone. */
  private syncTasks(enabled: readonly GuildSettings[]): void {
    const wanted = new Set(enabled.map((settings) => settings.guildId));
    for (const guildId of this.tasks.keys()) if (!wanted.has(guildId)) this.syncTask(guildId, null);
    for (const settings of enabled) this.syncTask(settings.guildId, settings);
  }

  private syncTask(guildId: string, settings: GuildSettings | null): void {
    const parsed = settings ? parseSchedule(settings) : null;
    const current = this.tasks.get(guildId);
    const expression = parsed?.ok ? dailyAt(parsed.value.time.hour, parsed.value.time.minute) : null;
    const timeZone = parsed?.ok ? parsed.value.timeZone : null;
    if (current && current.expression === expression && current.timeZone === timeZone) return;

    current?.handle.stop();
    this.tasks.delete(guildId);
    if (expression === null || timeZone === null) return;

    const run = () => this.guarded(() => this.runGuild(guildId, this.clock() + CRON_EARLY_TOLERANCE_MS));
    const handle = this.cron.schedule(expression, run, { name: `nightly-${guildId}`, timeZone });
    this.tasks.set(guildId, { expression, timeZone, handle });
    this.logger.debug({ guildId, expression, timeZone }, 'nightly task scheduled');
  }

  /**
   * Timers call through this: whatever goes wrong is logged, never thrown into node-cron. A timer that
   * fires after `stop` (node-cron may already have queued it) does nothing.
   */
  private async guarded(work: () => Promise<unknown>): Promise<void> {
    if (!this.minutely) return;
    try {
      await work();
    } catch (err) {
      this.logger.error({ err }, 'nightly timer failed');
    }
  }
}

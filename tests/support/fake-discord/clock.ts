/** Where the fake reads "now" from, so tests can jump past Discord's time limits without waiting. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/**
 * A clock that only moves when told to. Handy for the 3-second acknowledgement window and the
 * 15-minute interaction token lifetime; timers in discord.js and the gateway still run on real time.
 */
export class ManualClock implements Clock {
  #nowMs: number;

  constructor(startMs: number = Date.now()) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError(`ManualClock.advance expects ms >= 0, got ${ms}`);
    this.#nowMs += ms;
  }
}

/** A time as Discord writes it in payloads: ISO 8601 with microseconds and `+00:00`. */
export function discordTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

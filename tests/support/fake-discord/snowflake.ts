import type { Clock } from './clock.js';

/** 2015-01-01T00:00:00Z, the zero of every Discord snowflake. */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/**
 * Makes ids shaped like Discord's: a decimal string of the 64-bit value
 * `(ms since Discord epoch) << 22 | worker << 17 | process << 12 | increment`. They are 18-19
 * digits today, which matters: @discordjs/rest only treats 17-19 digit path segments as ids
 * when it picks rate-limit buckets.
 */
export class SnowflakeGenerator {
  #lastMs = 0n;
  #increment = 0n;

  constructor(private readonly clock: Clock) {}

  next(): string {
    // Never go backwards, even if a test's manual clock starts in the past: ids must stay unique.
    const nowMs = BigInt(this.clock.now()) - DISCORD_EPOCH_MS;
    let ms = nowMs > this.#lastMs ? nowMs : this.#lastMs;
    if (ms !== this.#lastMs) {
      this.#increment = 0n;
    } else if (this.#increment < 0xfffn) {
      this.#increment += 1n;
    } else {
      // 4096 ids in one millisecond: borrow the next millisecond rather than repeat an id.
      ms += 1n;
      this.#increment = 0n;
    }
    this.#lastMs = ms;
    const workerId = 1n;
    return ((ms << 22n) | (workerId << 17n) | this.#increment).toString();
  }
}

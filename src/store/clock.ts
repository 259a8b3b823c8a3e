/**
 * Milliseconds since the Unix epoch. Everything that reads the time takes one of these, so tests can drive
 * the store and the schedule through a whole night, or a daylight-saving change, without waiting for it.
 */
export type Clock = () => number;

/** The real time, for production. */
export const systemClock: Clock = () => Date.now();

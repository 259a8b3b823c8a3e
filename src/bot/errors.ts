/**
 * A mistake the user can fix (a wrong option, a missing permission, a cooldown). The error boundary
 * shows its message to that user alone and logs nothing alarming. Anything else is an internal error.
 */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';

  constructor(
    /** Stable identifier, for logs and tests: 'not-moderator', 'cooldown', … */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** "3 min 20 s", "45 s", "2 h 5 min": how long until something, for people. */
export function humanDuration(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

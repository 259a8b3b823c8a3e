/** Why the store could not be opened or used; `code` is stable for callers to branch on. */
export type StoreErrorCode = 'schema-too-new' | 'bad-migrations' | 'open-failed';

/**
 * A failure of the store itself rather than of a request to it (those come back as values). Start-up
 * catches these and stops with `message`, which says what was found and what to do.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

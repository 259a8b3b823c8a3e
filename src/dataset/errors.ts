/** What went wrong, as a stable word that callers (the CLI, the bot) can branch on. */
export type DatasetErrorCode =
  | 'bad-option'
  | 'cache-missing'
  | 'cache-corrupt'
  | 'cache-empty'
  | 'cache-size-mismatch'
  | 'out-dir-unsafe'
  | 'package-missing'
  | 'source-missing'
  | 'source-not-folder'
  | 'nothing-usable';

/**
 * A dataset failure meant for the person running the bot: the message says what was expected, what was
 * found and what to do, so callers can print it as it is. `details` carries the numbers and paths for logs.
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  readonly code: DatasetErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: DatasetErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** The message of anything thrown, for logs and quarantine reasons. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

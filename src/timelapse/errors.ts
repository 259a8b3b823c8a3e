/** What kept a timelapse from being made, as a stable word the CLI and the bot branch on. */
export type TimelapseErrorCode =
  | 'no-models'
  | 'no-grids'
  | 'too-few-grids'
  | 'mixed-sizes'
  | 'too-large'
  | 'aborted';

/**
 * A timelapse that cannot be made, with a message for the person who asked: what was expected, what
 * was found and what to do. `details` carries paths and numbers for logs.
 */
export class TimelapseError extends Error {
  override readonly name = 'TimelapseError';

  constructor(
    readonly code: TimelapseErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

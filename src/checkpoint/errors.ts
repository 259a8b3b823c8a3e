/** A checkpoint that cannot be used, with the path and what is wrong with it. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';

  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

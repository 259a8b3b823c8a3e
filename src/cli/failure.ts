import { CommanderError } from 'commander';
import { ZodError } from 'zod';
import { CheckpointError } from '../checkpoint/errors.js';
import { ConfigError } from '../config/config.js';
import { DatasetError } from '../dataset/errors.js';
import { StoreError } from '../store/index.js';
import { TimelapseError } from '../timelapse/errors.js';
import { TrainingDivergedError } from '../trainer/divergence.js';
import { TrainerLockedError } from '../trainer/lock.js';
import { UsageError } from './errors.js';

/** File-system failures a user causes and can fix (a wrong path, a read-only folder, a full disk). */
const FILE_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'a file is in the way',
  ENOTDIR: 'a file is in the way where a folder should be',
  EISDIR: 'that is a folder, not a file',
  ENOENT: 'no such file or folder',
  ELOOP: 'too many symbolic links (a link that points back at itself?)',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
};

/**
 * Turns what ended a command into one line for the user and an exit code: 2 for a mistake in how it
 * was called or configured, 1 for anything else. Only an error nobody anticipated prints its stack.
 */
export function describeFailure(err: unknown): { message: string | undefined; exitCode: number } {
  // Commander has printed its own message (or the help, or the version).
  if (err instanceof CommanderError) return { message: undefined, exitCode: err.exitCode };
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof TrainerLockedError) {
    return { message: err.message, exitCode: 2 };
  }
  if (err instanceof CheckpointError) return { message: `${err.message} (${err.path})`, exitCode: 1 };
  if (err instanceof DatasetError || err instanceof StoreError || err instanceof TrainingDivergedError) {
    return { message: err.message, exitCode: 1 };
  }
  // A missing folder or too few grids is how it was called; grids that do not fit together are not.
  if (err instanceof TimelapseError) {
    const usage = err.code === 'no-models' || err.code === 'no-grids' || err.code === 'too-few-grids';
    return { message: err.message, exitCode: usage ? 2 : 1 };
  }
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
    return { message: `invalid settings: ${issues}`, exitCode: 2 };
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && FILE_ERRORS[code]) {
    const path = (err as NodeJS.ErrnoException).path;
    return { message: `${FILE_ERRORS[code]}${path ? `: ${path}` : ''}`, exitCode: 1 };
  }
  return { message: undefined, exitCode: 1 };
}

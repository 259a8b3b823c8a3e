import { InvalidArgumentError } from 'commander';

/** A mistake on the command line: printed as one clear message and exit code 2, without a stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses an integer option, naming the allowed range when the value is wrong. */
export function intOption(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

/** Parses a number option, naming the allowed range when the value is wrong. */
export function numberOption(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}.`);
    }
    return n;
  };
}

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CheckpointError } from '../../src/checkpoint/errors.js';
import { describeFailure } from '../../src/cli/failure.js';
import { ConfigError } from '../../src/config/config.js';

describe('command failures', () => {
  it('given mistakes a user can fix, then each becomes one line with an exit code and no stack', () => {
    const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', path: '/nope/x' });
    expect(describeFailure(enoent)).toEqual({ message: 'no such file or folder: /nope/x', exitCode: 1 });
    expect(describeFailure(new ConfigError(['NIGHTLY_TIME: bad']))).toMatchObject({ exitCode: 2 });
    expect(describeFailure(new CheckpointError('damaged', '/m/step-1'))).toEqual({
      message: 'damaged (/m/step-1)',
      exitCode: 1,
    });
    const zod = z.object({ width: z.number().min(4) }).safeParse({ width: 3 });
    expect(describeFailure(zod.error).message).toMatch(/^invalid settings: width: /);
  });

  it('given an error nobody anticipated, then no message is made up for it', () => {
    expect(describeFailure(new TypeError('x is undefined'))).toEqual({ message: undefined, exitCode: 1 });
  });
});

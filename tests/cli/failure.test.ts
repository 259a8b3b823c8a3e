import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CheckpointError } from '../../src/checkpoint/errors.js';
import { describeFailure } from '../../src/cli/failure.js';
import { ConfigError } from '../../src/config/config.js';
import { TimelapseError } from '../../src/timelapse/errors.js';
import { TrainingDivergedError } from '../../src/trainer/divergence.js';

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
    expect(describeFailure(new TrainingDivergedError('the networks diverged again'))).toEqual({
      message: 'the networks diverged again',
      exitCode: 1,
    });
    expect(describeFailure(new TimelapseError('too-few-grids', 'only one grid'))).toEqual({
      message: 'only one grid',
      exitCode: 2,
    });
    expect(describeFailure(new TimelapseError('mixed-sizes', 'grids differ'))).toMatchObject({ exitCode: 1 });
  });

  it('given an error nobody anticipated, then no message is made up for it', () => {
    expect(describeFailure(new TypeError('x is undefined'))).toEqual({ message: undefined, exitCode: 1 });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { envSchema } from '../../src/config/schema.js';

describe('configuration', () => {
  it('given an empty environment, then local mode starts with documented defaults', () => {
    const config = loadConfig({}, '/srv/nm');
    expect(config.discord.token).toBeUndefined();
    expect(config.paths.datasetDir).toBe('/srv/nm/data/dataset');
    expect(config.paths.databaseFile).toBe('/srv/nm/data/nightmask.sqlite');
    expect(config.training.checkpointEveryMs).toBe(180_000);
    expect(config.nightly.time).toBe('21:00');
    expect(Object.isFrozen(config.paths)).toBe(true);
  });

  it('given bad values, then the error names each variable, what it found and where to fix it', () => {
    const env = { NIGHTLY_TIME: '25:00', NIGHTMASK_SIZE_PX: '48', NIGHTLY_TIMEZONE: 'Mars/Olympus' };
    const err = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as ConfigError).message;
    expect(text).toMatch(/NIGHTLY_TIME: .*24-hour.*found '25:00'.*\.env/);
    expect(text).toMatch(/NIGHTMASK_SIZE_PX: .*found '48'/);
    expect(text).toMatch(/NIGHTLY_TIMEZONE: .*IANA/);
  });

  it('given values of the wrong kind, then each message lists what is accepted and no secret is echoed', () => {
    const env = {
      NIGHTMASK_WIDTH: '3',
      NIGHTMASK_BATCH: '0',
      NIGHTMASK_SEED: '1.5',
      NIGHTMASK_LOG_LEVEL: 'verbose',
      SEASON_START: '11-15',
      DISCORD_TOKEN: 'has a space',
    };
    const problems = (() => {
      try {
        loadConfig(env);
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    })();
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/NIGHTMASK_WIDTH: expected auto or a whole number from 4 to 256/);
    expect(problems.join('\n')).toMatch(/NIGHTMASK_BATCH: expected auto or a whole number from 2 to 512/);
    expect(problems.join('\n')).toMatch(/NIGHTMASK_LOG_LEVEL: expected trace, debug/);
    expect(problems.join('\n')).toMatch(/SEASON_START: The season ends on Halloween/);
    expect(problems.join('\n')).toMatch(/DISCORD_TOKEN: .*its value is not shown/);
    expect(problems.join('\n')).not.toMatch(/has a space/);
  });

  it('given a misspelt variable, then start-up goes on and a warning names it', () => {
    expect(loadConfig({ NIGHTMASK_SIZE: '48' }).warnings).toEqual([
      'NIGHTMASK_SIZE is set but nightmask does not read it; is it a typo? (see .env.example)',
    ]);
  });

  it('given a token without an application id, then start-up stops and says where to find the id', () => {
    expect(() => loadConfig({ DISCORD_TOKEN: 'x'.repeat(70) })).toThrow(
      /DISCORD_CLIENT_ID.*developer portal/,
    );
  });

  it('given .env.example, then it documents exactly the variables the schema reads', () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', '.env.example'), 'utf8');
    const documented = [...text.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    const read = Object.keys(envSchema.shape).sort();
    expect(documented).toEqual(read);
  });
});

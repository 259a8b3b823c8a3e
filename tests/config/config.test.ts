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

  it('given a token without an application id, then start-up stops and says where to find the id', () => {
    expect(() => loadConfig({ DISCORD_TOKEN: 'x'.repeat(70) })).toThrow(
      /DISCORD_CLIENT_ID.*developer portal/,
    );
  });

  it('given .env.example, then it documents exactly the variables the schema reads', () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', '.env.example'), 'utf8');
    const documented = [...text.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    // The logger reads these two itself, before configuration, so that config errors can be logged.
    const read = [...Object.keys(envSchema.shape), 'NIGHTMASK_LOG_LEVEL', 'NIGHTMASK_LOG_FORMAT'].sort();
    expect(documented).toEqual(read);
  });
});

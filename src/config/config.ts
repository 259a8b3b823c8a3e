import { isAbsolute, join, resolve } from 'node:path';
import type { BackendPreference } from '../backend/names.js';
import { ENV_PREFIXES, type Env, envSchema, SECRET_VARIABLES } from './schema.js';

/** nightmask's configuration, read once from the environment, validated, then frozen. Units in names. */
export interface Config {
  readonly discord: Readonly<{
    token: string | undefined;
    clientId: string | undefined;
    devGuildId: string | undefined;
    apiUrl: string;
    moderatorRoleId: string | undefined;
  }>;
  readonly paths: Readonly<{
    dataDir: string;
    /** The dataset cache the trainer reads. */
    datasetDir: string;
    /** Where a user's own photos go to be ingested on start. */
    imagesDir: string;
    modelsDir: string;
    checkpointsDir: string;
    samplesDir: string;
    outputDir: string;
    databaseFile: string;
  }>;
  readonly training: Readonly<{
    backend: BackendPreference;
    sizePx: 'auto' | 32 | 64 | 128;
    width: 'auto' | number;
    batchSize: 'auto' | number;
    /** 'dcgan': the DCGAN with DiffAugment and EMA; 'excite': the same with skip-layer excitation in the generator. */
    recipe: 'dcgan' | 'excite';
    seed: number;
    checkpointEverySteps: number;
    checkpointEveryMs: number;
    sampleEverySteps: number;
    sampleEveryMs: number;
    /** How often the trainer scores a checkpoint's quality; 0 turns scoring off. */
    qualityEveryMs: number;
  }>;
  readonly nightly: Readonly<{ time: string; timeZone: string; seasonStart: string }>;
  /** Things that do not stop start-up but deserve a line in the log: likely typos in variable names. */
  readonly warnings: readonly string[];
}

/** A configuration that cannot start, with one line per bad variable saying what to do. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: string[]) {
    super(`configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment into a frozen Config, or throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '?');
        const found =
          env[name] === undefined
            ? 'it is not set'
            : SECRET_VARIABLES.has(name)
              ? 'its value is not shown'
              : `found '${env[name]}'`;
        return `${name}: ${issue.message}; ${found}. Fix it in .env (see .env.example) or the environment.`;
      }),
    );
  }
  const e: Env = parsed.data;
  if (e.DISCORD_TOKEN && !e.DISCORD_CLIENT_ID) {
    throw new ConfigError([
      'DISCORD_CLIENT_ID: it is not set, but DISCORD_TOKEN is. Copy the application id from the ' +
        "Discord developer portal's General Information page into .env.",
    ]);
  }

  const at = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const dataDir = at(e.NIGHTMASK_DATA_DIR);
  const modelsDir = at(e.NIGHTMASK_MODELS_DIR);
  return deepFreeze({
    discord: {
      token: e.DISCORD_TOKEN,
      clientId: e.DISCORD_CLIENT_ID,
      devGuildId: e.DISCORD_DEV_GUILD_ID,
      apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
      moderatorRoleId: e.DISCORD_MODERATOR_ROLE_ID,
    },
    paths: {
      dataDir,
      datasetDir: join(dataDir, 'dataset'),
      imagesDir: join(dataDir, 'images'),
      modelsDir,
      checkpointsDir: join(modelsDir, 'checkpoints'),
      samplesDir: join(modelsDir, 'samples'),
      outputDir: at(e.NIGHTMASK_OUTPUT_DIR),
      databaseFile: e.NIGHTMASK_DATABASE ? at(e.NIGHTMASK_DATABASE) : join(dataDir, 'nightmask.sqlite'),
    },
    training: {
      backend: e.NIGHTMASK_BACKEND,
      sizePx: e.NIGHTMASK_SIZE_PX,
      width: e.NIGHTMASK_WIDTH,
      batchSize: e.NIGHTMASK_BATCH,
      recipe: e.NIGHTMASK_RECIPE,
      seed: e.NIGHTMASK_SEED,
      checkpointEverySteps: e.NIGHTMASK_CHECKPOINT_EVERY_STEPS,
      checkpointEveryMs: Math.round(e.NIGHTMASK_CHECKPOINT_EVERY_MINUTES * 60_000),
      sampleEverySteps: e.NIGHTMASK_SAMPLE_EVERY_STEPS,
      sampleEveryMs: Math.round(e.NIGHTMASK_SAMPLE_EVERY_MINUTES * 60_000),
      // Any positive period scores; only 0 turns scoring off (a tiny value must not round to 0).
      qualityEveryMs:
        e.NIGHTMASK_QUALITY_EVERY_MINUTES > 0
          ? Math.max(1, Math.round(e.NIGHTMASK_QUALITY_EVERY_MINUTES * 60_000))
          : 0,
    },
    nightly: {
      time: e.NIGHTLY_TIME,
      timeZone: e.NIGHTLY_TIMEZONE ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      seasonStart: e.SEASON_START,
    },
    warnings: unknownVariables(env),
  });
}

/** Variables that look like ours but are not read: `NIGHTMASK_SIZE=48` when NIGHTMASK_SIZE_PX was meant. */
function unknownVariables(env: NodeJS.ProcessEnv): string[] {
  const known = new Set(Object.keys(envSchema.shape));
  return Object.keys(env)
    .filter((name) => ENV_PREFIXES.some((p) => name.startsWith(p)) && !known.has(name))
    .map((name) => `${name} is set but nightmask does not read it; is it a typo? (see .env.example)`);
}

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(value);
}

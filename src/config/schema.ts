import { z } from 'zod';

const snowflake = z.string().regex(/^\d{17,20}$/, 'expected a Discord id: 17 to 20 digits');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected a 24-hour time like '21:00'");
const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "expected a date like '10-01'");
const timeZone = z.string().refine(isTimeZone, 'expected an IANA time zone such as Europe/London');
const blankAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const positiveInt = z.coerce.number().int().positive();
const autoOr = <T extends z.ZodType>(schema: T) => z.union([z.literal('auto'), schema]).default('auto');

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Every environment variable nightmask reads, with its default. `.env.example` documents the same
 * list; a test keeps the two in step.
 */
export const envSchema = z.object({
  DISCORD_TOKEN: z.preprocess(
    blankAsUnset,
    z.string().regex(/^\S+$/, 'a bot token has no spaces; copy it again from the Bot page').optional(),
  ),
  DISCORD_CLIENT_ID: z.preprocess(blankAsUnset, snowflake.optional()),
  DISCORD_DEV_GUILD_ID: z.preprocess(blankAsUnset, snowflake.optional()),
  DISCORD_API_URL: z.preprocess(blankAsUnset, z.url().default('https://discord.com/api')),
  DISCORD_MODERATOR_ROLE_ID: z.preprocess(blankAsUnset, snowflake.optional()),

  NIGHTMASK_DATA_DIR: z.preprocess(blankAsUnset, z.string().default('data')),
  NIGHTMASK_MODELS_DIR: z.preprocess(blankAsUnset, z.string().default('models')),
  NIGHTMASK_OUTPUT_DIR: z.preprocess(blankAsUnset, z.string().default('out')),
  NIGHTMASK_DATABASE: z.preprocess(blankAsUnset, z.string().optional()),

  NIGHTMASK_BACKEND: z.preprocess(blankAsUnset, z.enum(['auto', 'tensorflow', 'cpu']).default('auto')),
  NIGHTMASK_SIZE_PX: z.preprocess(
    blankAsUnset,
    autoOr(z.coerce.number().pipe(z.union([z.literal(32), z.literal(64), z.literal(128)]))),
  ),
  NIGHTMASK_WIDTH: z.preprocess(blankAsUnset, autoOr(positiveInt.max(256))),
  NIGHTMASK_BATCH: z.preprocess(blankAsUnset, autoOr(positiveInt.min(2).max(512))),
  NIGHTMASK_SEED: z.preprocess(blankAsUnset, z.coerce.number().int().nonnegative().default(1)),
  NIGHTMASK_CHECKPOINT_EVERY_STEPS: z.preprocess(blankAsUnset, positiveInt.default(1000)),
  NIGHTMASK_CHECKPOINT_EVERY_MINUTES: z.preprocess(blankAsUnset, z.coerce.number().positive().default(3)),
  NIGHTMASK_SAMPLE_EVERY_STEPS: z.preprocess(blankAsUnset, positiveInt.default(500)),
  NIGHTMASK_SAMPLE_EVERY_MINUTES: z.preprocess(blankAsUnset, z.coerce.number().positive().default(3)),

  NIGHTLY_TIME: z.preprocess(blankAsUnset, hhmm.default('21:00')),
  NIGHTLY_TIMEZONE: z.preprocess(blankAsUnset, timeZone.optional()),
  SEASON_START: z.preprocess(blankAsUnset, monthDay.default('10-01')),
});

export type Env = z.infer<typeof envSchema>;

import { z } from 'zod';
import { BACKEND_PREFERENCE_LIST, BACKEND_PREFERENCES } from '../backend/names.js';
import { checkSeasonStart } from '../store/validate.js';

const snowflake = z.string().regex(/^\d{17,20}$/, 'expected a Discord id: 17 to 20 digits');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected a 24-hour time like '21:00'");
const monthDay = z.string().superRefine((value, ctx) => {
  const checked = checkSeasonStart(value);
  if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.error.message });
});
const timeZone = z.string().refine(isTimeZone, 'expected an IANA time zone such as Europe/London');
const blankAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A whole number in a range, with one message that says what is accepted. */
const intIn = (min: number, max: number) =>
  z.coerce
    .number({ message: `expected a whole number from ${min} to ${max}` })
    .refine(
      (n) => Number.isInteger(n) && n >= min && n <= max,
      `expected a whole number from ${min} to ${max}`,
    );
const positiveNumber = z.coerce
  .number({ message: 'expected a number above 0' })
  .positive('expected a number above 0');

/** 'auto' or a whole number in a range. */
const autoOrInt = (min: number, max: number) =>
  z
    .string()
    .default('auto')
    .transform((v, ctx) => {
      if (v === 'auto') return 'auto' as const;
      const n = Number(v);
      if (Number.isInteger(n) && n >= min && n <= max) return n;
      ctx.addIssue({ code: 'custom', message: `expected auto or a whole number from ${min} to ${max}` });
      return z.NEVER;
    });

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Variables whose values are secrets: errors name them but never repeat what was found. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set(['DISCORD_TOKEN']);

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

  NIGHTMASK_BACKEND: z.preprocess(
    blankAsUnset,
    z.enum(BACKEND_PREFERENCES, { message: `expected ${BACKEND_PREFERENCE_LIST}` }).default('auto'),
  ),
  NIGHTMASK_SIZE_PX: z.preprocess(
    blankAsUnset,
    z
      .enum(['auto', '32', '64', '128'], { message: 'expected auto, 32, 64 or 128' })
      .default('auto')
      .transform((v) => (v === 'auto' ? v : (Number(v) as 32 | 64 | 128))),
  ),
  NIGHTMASK_WIDTH: z.preprocess(blankAsUnset, autoOrInt(4, 256)),
  NIGHTMASK_BATCH: z.preprocess(blankAsUnset, autoOrInt(2, 512)),
  NIGHTMASK_RECIPE: z.preprocess(
    blankAsUnset,
    z.enum(['dcgan', 'excite'], { message: 'expected dcgan or excite' }).default('dcgan'),
  ),
  NIGHTMASK_SEED: z.preprocess(blankAsUnset, intIn(0, 2 ** 31 - 1).default(1)),
  NIGHTMASK_CHECKPOINT_EVERY_STEPS: z.preprocess(blankAsUnset, intIn(1, 1e9).default(1000)),
  NIGHTMASK_CHECKPOINT_EVERY_MINUTES: z.preprocess(blankAsUnset, positiveNumber.default(3)),
  NIGHTMASK_SAMPLE_EVERY_STEPS: z.preprocess(blankAsUnset, intIn(1, 1e9).default(500)),
  NIGHTMASK_SAMPLE_EVERY_MINUTES: z.preprocess(blankAsUnset, positiveNumber.default(3)),
  NIGHTMASK_QUALITY_EVERY_MINUTES: z.preprocess(blankAsUnset, z.coerce.number().min(0).max(1e6).default(15)),
  NIGHTMASK_LOG_LEVEL: z.preprocess(
    blankAsUnset,
    z
      .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
        message: 'expected trace, debug, info, warn, error, fatal or silent',
      })
      .default('info'),
  ),
  NIGHTMASK_LOG_FORMAT: z.preprocess(
    blankAsUnset,
    z.enum(['json', 'pretty'], { message: "expected 'json' or 'pretty'" }).optional(),
  ),

  NIGHTLY_TIME: z.preprocess(blankAsUnset, hhmm.default('21:00')),
  NIGHTLY_TIMEZONE: z.preprocess(blankAsUnset, timeZone.optional()),
  SEASON_START: z.preprocess(blankAsUnset, monthDay.default('10-01')),
});

export type Env = z.infer<typeof envSchema>;

/** Prefixes of the variables nightmask reads; an unknown one with these prefixes is likely a typo. */
export const ENV_PREFIXES = ['DISCORD_', 'NIGHTMASK_', 'NIGHTLY_', 'SEASON_'] as const;

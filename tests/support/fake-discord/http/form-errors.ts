import type { z } from 'zod';
import { discordErrors, type FormFieldError, nestFormErrors } from './errors.js';

/**
 * Discord's wording for a failed field check. Exact for lengths and missing fields, which is what
 * bots trip over; other checks get a plausible code rather than Discord's full catalogue.
 */
function toFieldError(issue: z.core.$ZodIssue): FormFieldError {
  switch (issue.code) {
    case 'too_big':
      return { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${issue.maximum} or fewer in length.` };
    case 'too_small':
      return { code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${issue.minimum} or more in length.` };
    case 'invalid_type':
      return issue.input === undefined
        ? { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }
        : { code: 'MODEL_TYPE_CONVERT', message: `Expected ${issue.expected}.` };
    case 'invalid_format':
      return { code: 'STRING_TYPE_REGEX', message: `String value did not match validation regex.` };
    case 'custom': {
      // Checks written as refinements name Discord's own code in `params.discordCode`.
      const code = (issue.params as { discordCode?: unknown } | undefined)?.discordCode;
      return { code: typeof code === 'string' ? code : 'BASE_TYPE_BAD', message: issue.message };
    }
    default:
      return { code: 'BASE_TYPE_BAD', message: issue.message };
  }
}

/** Parses `value` with `schema`, or throws Discord's 400 "Invalid Form Body" (code 50035). */
export function parseForm<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  // reportInput keeps the offending value on each issue, to tell "missing" from "wrong type".
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path, error: toFieldError(issue) }));
  throw discordErrors.invalidFormBody(nestFormErrors(issues));
}

import { RESTJSONErrorCodes } from 'discord.js';

/** Discord's JSON error body: `{ message, code }`, plus `errors` for form validation. */
export interface DiscordErrorBody {
  readonly message: string;
  readonly code: number;
  readonly errors?: unknown;
}

/** Thrown by a route handler to answer with one of Discord's errors. */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: DiscordErrorBody,
  ) {
    super(`${status} ${body.message} (code ${body.code})`);
  }
}

/**
 * One entry of a form error, e.g.
 * `{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }`.
 */
export interface FormFieldError {
  readonly code: string;
  readonly message: string;
}

/**
 * Nests field errors the way Discord does for code 50035: `{ data: { content: { _errors: [...] } } }`,
 * array indexes as keys.
 */
export function nestFormErrors(issues: readonly { path: readonly PropertyKey[]; error: FormFieldError }[]) {
  const root: Record<string, unknown> = {};
  for (const { path, error } of issues) {
    let node = root;
    for (const key of path) {
      const name = String(key);
      node[name] ??= {};
      node = node[name] as Record<string, unknown>;
    }
    node._errors ??= [];
    (node._errors as FormFieldError[]).push(error);
  }
  return root;
}

function error(status: number, code: number, message: string, errors?: unknown): DiscordHttpError {
  return new DiscordHttpError(status, errors === undefined ? { message, code } : { message, code, errors });
}

/** The errors the fake answers with, worded and numbered as Discord words and numbers them. */
export const discordErrors = Object.freeze({
  unauthorized: () => error(401, 0, '401: Unauthorized'),
  notFound: () => error(404, 0, '404: Not Found'),
  methodNotAllowed: () => error(405, 0, '405: Method Not Allowed'),
  unknownApplication: () => error(404, RESTJSONErrorCodes.UnknownApplication, 'Unknown Application'),
  unknownChannel: () => error(404, RESTJSONErrorCodes.UnknownChannel, 'Unknown Channel'),
  unknownGuild: () => error(404, RESTJSONErrorCodes.UnknownGuild, 'Unknown Guild'),
  unknownMember: () => error(404, RESTJSONErrorCodes.UnknownMember, 'Unknown Member'),
  unknownMessage: () => error(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message'),
  unknownUser: () => error(404, RESTJSONErrorCodes.UnknownUser, 'Unknown User'),
  unknownWebhook: () => error(404, RESTJSONErrorCodes.UnknownWebhook, 'Unknown Webhook'),
  unknownCommand: () =>
    error(404, RESTJSONErrorCodes.UnknownApplicationCommand, 'Unknown application command'),
  unknownInteraction: () => error(404, RESTJSONErrorCodes.UnknownInteraction, 'Unknown interaction'),
  invalidWebhookToken: () => error(401, RESTJSONErrorCodes.InvalidWebhookToken, 'Invalid Webhook Token'),
  alreadyAcknowledged: () =>
    error(
      400,
      RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged,
      'Interaction has already been acknowledged.',
    ),
  missingAccess: () => error(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access'),
  missingPermissions: () => error(403, RESTJSONErrorCodes.MissingPermissions, 'Missing Permissions'),
  cannotEditOthersMessage: () =>
    error(
      403,
      RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser,
      'Cannot edit a message authored by another user',
    ),
  entityTooLarge: () => error(413, RESTJSONErrorCodes.RequestEntityTooLarge, 'Request entity too large'),
  emptyMessage: () => error(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message'),
  invalidJson: () =>
    error(400, RESTJSONErrorCodes.RequestBodyContainsInvalidJSON, 'The request body contains invalid JSON.'),
  invalidFormBody: (errors: Record<string, unknown>) =>
    error(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, 'Invalid Form Body', errors),
  /** 50035 with a single field error, for checks that are not worth a schema. */
  invalidField: (path: readonly PropertyKey[], code: string, message: string) =>
    error(
      400,
      RESTJSONErrorCodes.InvalidFormBodyOrContentType,
      'Invalid Form Body',
      nestFormErrors([{ path, error: { code, message } }]),
    ),
});

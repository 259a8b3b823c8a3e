import { InteractionResponseType, InteractionType, MessageFlags } from 'discord.js';
import { z } from 'zod';
import { discordErrors } from '../http/errors.js';
import { parseForm } from '../http/form-errors.js';
import type { RouteRequest, Router } from '../http/router.js';
import { interactionMessageInput } from '../interactions/message-context.js';
import type { InteractionRecord } from '../interactions/store.js';
import { createMessage, editMessage } from '../messages/operations.js';
import { parseMessageFields } from '../messages/payload.js';
import type { StoredMessage } from '../messages/store.js';
import type { FakeState } from '../state.js';

const callbackBody = z.looseObject({
  type: z.number().int(),
  data: z.looseObject({}).optional(),
});

/** Which callback types Discord accepts for which interaction types (gateway interactions only). */
const ALLOWED_CALLBACKS: Readonly<Record<number, readonly number[]>> = {
  [InteractionType.ApplicationCommand]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.Modal,
  ],
  [InteractionType.MessageComponent]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.DeferredMessageUpdate,
    InteractionResponseType.UpdateMessage,
    InteractionResponseType.Modal,
  ],
};

function sourceMessage(state: FakeState, record: InteractionRecord): StoredMessage {
  const stored = record.sourceMessageId ? state.messages.get(record.sourceMessageId) : undefined;
  if (!stored) throw discordErrors.unknownMessage();
  return stored;
}

/** Carries out one accepted callback and returns the message `@original` now refers to, if any. */
function respond(state: FakeState, record: InteractionRecord, type: number, request: RouteRequest) {
  const data = (request.json as { data?: unknown }).data;
  switch (type) {
    case InteractionResponseType.ChannelMessageWithSource: {
      const fields = parseMessageFields(data);
      return createMessage(state, interactionMessageInput(state, record, fields, request.files));
    }
    case InteractionResponseType.DeferredChannelMessageWithSource: {
      // Only EPHEMERAL means anything on a defer; the message stays empty and LOADING until edited.
      const flags = (parseMessageFields(data).flags ?? 0) & MessageFlags.Ephemeral;
      const input = interactionMessageInput(state, record, { flags }, [], MessageFlags.Loading);
      record.deferredReplyPending = true;
      return createMessage(state, input);
    }
    case InteractionResponseType.DeferredMessageUpdate:
      return sourceMessage(state, record);
    case InteractionResponseType.UpdateMessage:
      return editMessage(state, sourceMessage(state, record), parseMessageFields(data), request.files);
    default:
      return undefined;
  }
}

/** POST /interactions/:id/:token/callback: the one initial response an interaction gets. */
export function registerInteractionRoutes(router: Router, state: FakeState): void {
  router.add(
    'POST',
    '/interactions/:interaction/:token/callback',
    (request) => {
      const record = state.interactions.byId(request.params.interaction ?? '');
      if (!record || record.token !== request.params.token) throw discordErrors.unknownInteraction();

      // Order matters: a second callback is "already acknowledged" even after the window closed.
      if (record.callbackType !== null) throw discordErrors.alreadyAcknowledged();
      if (state.clock.now() - record.createdAtMs > state.settings.interactionAckWindowMs) {
        throw discordErrors.unknownInteraction();
      }
      const { type } = parseForm(callbackBody, request.json);
      if (!(ALLOWED_CALLBACKS[record.type] ?? []).includes(type)) {
        throw discordErrors.invalidField(
          ['type'],
          'BASE_TYPE_CHOICES',
          'Value must be one of the allowed types.',
        );
      }

      const message = respond(state, record, type, request);
      record.callbackType = type;
      record.originalMessageId = message?.message.id ?? null;

      if (request.query.get('with_response') !== 'true') return { status: 204 };
      const flags = message?.message.flags ?? 0;
      const body = {
        interaction: {
          id: record.id,
          type: record.type,
          ...(message
            ? {
                response_message_id: message.message.id,
                response_message_loading: (flags & MessageFlags.Loading) !== 0,
                response_message_ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
              }
            : {}),
        },
        resource: {
          type,
          ...(message && type !== InteractionResponseType.DeferredMessageUpdate
            ? { message: message.message }
            : {}),
        },
      };
      return { status: 200, body };
    },
    'none',
  );
}

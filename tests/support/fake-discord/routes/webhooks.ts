import { discordErrors } from '../http/errors.js';
import type { RouteRequest, Router } from '../http/router.js';
import { interactionMessageInput } from '../interactions/message-context.js';
import type { InteractionRecord } from '../interactions/store.js';
import { createMessage, deleteMessage, editMessage } from '../messages/operations.js';
import { parseMessageFields } from '../messages/payload.js';
import type { StoredMessage } from '../messages/store.js';
import type { FakeState } from '../state.js';

/**
 * The interaction webhook: /webhooks/:application/:interaction-token. Works for 15 minutes after
 * the interaction, then answers 401 "Invalid Webhook Token" (50027) like Discord.
 */
export function registerWebhookRoutes(router: Router, state: FakeState): void {
  const interactionOf = (request: RouteRequest): InteractionRecord => {
    if (request.params.app !== state.world.applicationId) throw discordErrors.unknownWebhook();
    const record = state.interactions.byToken(request.params.token ?? '');
    if (!record) throw discordErrors.invalidWebhookToken();
    if (state.clock.now() - record.createdAtMs > state.settings.interactionTokenLifetimeMs) {
      throw discordErrors.invalidWebhookToken();
    }
    return record;
  };

  /** `@original` or one of this interaction's follow-ups; anything else is unknown to this webhook. */
  const messageOf = (request: RouteRequest, record: InteractionRecord): StoredMessage => {
    const id = request.params.message === '@original' ? record.originalMessageId : request.params.message;
    const own =
      id !== null &&
      id !== undefined &&
      (id === record.originalMessageId || record.followupMessageIds.includes(id));
    const stored = own ? state.messages.get(id) : undefined;
    if (!stored) throw discordErrors.unknownMessage();
    return stored;
  };

  const messagePath = '/webhooks/:app/:token/messages/:message';

  router.add(
    'GET',
    messagePath,
    (request) => ({ status: 200, body: messageOf(request, interactionOf(request)).message }),
    'none',
  );

  router.add(
    'PATCH',
    messagePath,
    (request) => {
      const record = interactionOf(request);
      const stored = messageOf(request, record);
      const edited = editMessage(state, stored, parseMessageFields(request.json), request.files);
      if (edited.message.id === record.originalMessageId) record.deferredReplyPending = false;
      return { status: 200, body: edited.message };
    },
    'none',
  );

  router.add(
    'DELETE',
    messagePath,
    (request) => {
      const record = interactionOf(request);
      deleteMessage(state, messageOf(request, record));
      return { status: 204 };
    },
    'none',
  );

  // Follow-ups. `wait` is irrelevant here: Discord always returns the message for interactions.
  router.add(
    'POST',
    '/webhooks/:app/:token',
    (request) => {
      const record = interactionOf(request);
      if (record.callbackType === null) throw discordErrors.unknownWebhook();
      const fields = parseMessageFields(request.json);

      // The first follow-up after a deferred reply fills in the "thinking…" message instead.
      const deferred = record.deferredReplyPending && record.originalMessageId;
      const original = deferred ? state.messages.get(deferred) : undefined;
      if (original) {
        const { flags: _ignored, ...rest } = fields;
        const edited = editMessage(state, original, rest, request.files);
        record.deferredReplyPending = false;
        return { status: 200, body: edited.message };
      }

      const created = createMessage(state, interactionMessageInput(state, record, fields, request.files));
      record.followupMessageIds.push(created.message.id);
      return { status: 200, body: created.message };
    },
    'none',
  );
}

import {
  type APIMessage,
  type APIMessageInteraction,
  type APIMessageInteractionMetadata,
  type APIMessageReference,
  type APIUser,
  GatewayDispatchEvents,
  GatewayIntentBits,
  MessageFlags,
  type MessageType,
} from 'discord.js';
import { discordErrors } from '../http/errors.js';
import type { RecordedFile } from '../http/request-log.js';
import type { FakeState } from '../state.js';
import { applyEdit, composeMessage, resolveAttachments } from './compose.js';
import { checkUploads, isEmptyMessage, type MessageFields } from './payload.js';
import type { StoredMessage } from './store.js';

/** Flags a bot may set when sending; others are dropped. Interaction responses may add EPHEMERAL. */
const SENDABLE_FLAGS =
  MessageFlags.SuppressEmbeds |
  MessageFlags.SuppressNotifications |
  MessageFlags.IsVoiceMessage |
  MessageFlags.IsComponentsV2;

export interface CreateMessageInput {
  readonly channelId: string;
  readonly guildId: string | undefined;
  readonly author: APIUser;
  readonly type: MessageType;
  readonly fields: MessageFields;
  readonly uploads: readonly RecordedFile[];
  /** Whether EPHEMERAL may be set (interaction responses and follow-ups). */
  readonly allowEphemeral: boolean;
  /** Flags the fake adds itself, such as LOADING for a deferred reply. */
  readonly extraFlags?: number;
  readonly webhookId?: string;
  readonly applicationId?: string;
  readonly interactionMetadata?: APIMessageInteractionMetadata;
  readonly interaction?: APIMessageInteraction;
  readonly messageReference?: APIMessageReference;
}

/** MESSAGE_CREATE and MESSAGE_UPDATE carry the guild and the author's member; only with GUILD_MESSAGES. */
function gatewayMessage(state: FakeState, stored: StoredMessage) {
  if (stored.guildId === undefined) return stored.message;
  const member = state.world.guilds.get(stored.guildId)?.members.get(stored.message.author.id);
  const { user: _user, ...partialMember } = member ?? { user: undefined };
  return { ...stored.message, guild_id: stored.guildId, ...(member ? { member: partialMember } : {}) };
}

function isEphemeral(message: APIMessage): boolean {
  return ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
}

/** Validates, stores and announces a new message, as POST …/messages or an interaction reply does. */
export function createMessage(state: FakeState, input: CreateMessageInput): StoredMessage {
  checkUploads(input.uploads, state.settings.maxUploadBytes);
  const allowed = SENDABLE_FLAGS | (input.allowEphemeral ? MessageFlags.Ephemeral : 0);
  const flags = ((input.fields.flags ?? 0) & allowed) | (input.extraFlags ?? 0);
  const ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
  const empty = { attachments: [], files: new Map<string, RecordedFile>() };
  const { attachments, files } = resolveAttachments(
    'create',
    input.channelId,
    input.fields,
    input.uploads,
    empty,
    ephemeral,
    state.compose,
  );

  const message = composeMessage({ ...input, attachments, flags }, state.compose);
  // A deferred reply is empty on purpose: Discord shows "thinking…" until it is edited.
  if ((flags & MessageFlags.Loading) === 0 && isEmptyMessage(message)) throw discordErrors.emptyMessage();

  const stored: StoredMessage = { message, guildId: input.guildId, createdAtMs: state.clock.now(), files };
  state.messages.put(stored);
  if (!ephemeral) {
    state.events.dispatch(
      GatewayDispatchEvents.MessageCreate,
      gatewayMessage(state, stored),
      GatewayIntentBits.GuildMessages,
    );
  }
  return stored;
}

/** Applies an edit (PATCH …/messages/:id or an UPDATE_MESSAGE callback) and announces it. */
export function editMessage(
  state: FakeState,
  stored: StoredMessage,
  fields: MessageFields,
  uploads: readonly RecordedFile[],
): StoredMessage {
  checkUploads(uploads, state.settings.maxUploadBytes);
  const previous = { attachments: stored.message.attachments, files: new Map(stored.files) };
  const { attachments, files } = resolveAttachments(
    'edit',
    stored.message.channel_id,
    fields,
    uploads,
    previous,
    isEphemeral(stored.message),
    state.compose,
  );
  const message = applyEdit(stored.message, fields, attachments, state.compose);
  if (isEmptyMessage(message)) throw discordErrors.emptyMessage();

  const next: StoredMessage = { ...stored, message, files };
  state.messages.put(next);
  if (!isEphemeral(message)) {
    state.events.dispatch(
      GatewayDispatchEvents.MessageUpdate,
      gatewayMessage(state, next),
      GatewayIntentBits.GuildMessages,
    );
  }
  return next;
}

/** Deletes a message and announces it. */
export function deleteMessage(state: FakeState, stored: StoredMessage): void {
  state.messages.delete(stored.message.id);
  if (isEphemeral(stored.message)) return;
  const data = {
    id: stored.message.id,
    channel_id: stored.message.channel_id,
    ...(stored.guildId !== undefined ? { guild_id: stored.guildId } : {}),
  };
  state.events.dispatch(GatewayDispatchEvents.MessageDelete, data, GatewayIntentBits.GuildMessages);
}

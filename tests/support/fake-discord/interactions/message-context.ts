import {
  type APIMessageInteraction,
  type APIMessageInteractionMetadata,
  InteractionType,
  MessageType,
} from 'discord.js';
import type { CreateMessageInput } from '../messages/operations.js';
import type { MessageFields } from '../messages/payload.js';
import type { FakeState } from '../state.js';
import type { InteractionRecord } from './store.js';

/** `interaction_metadata` (and the deprecated `interaction`) that Discord stamps on response messages. */
function interactionStamp(record: InteractionRecord): {
  interactionMetadata: APIMessageInteractionMetadata;
  interaction?: APIMessageInteraction;
} {
  const user = record.payload.member?.user ?? record.payload.user;
  if (!user) throw new Error(`interaction ${record.id} has no user`);
  const owners = { '0': record.guildId };
  if (record.payload.type === InteractionType.MessageComponent) {
    return {
      interactionMetadata: {
        id: record.id,
        type: InteractionType.MessageComponent,
        user,
        authorizing_integration_owners: owners,
        interacted_message_id: record.sourceMessageId ?? '',
      },
    };
  }
  const name = record.payload.type === InteractionType.ApplicationCommand ? record.payload.data.name : '';
  return {
    interactionMetadata: {
      id: record.id,
      type: InteractionType.ApplicationCommand,
      user,
      authorizing_integration_owners: owners,
    },
    interaction: { id: record.id, type: record.type, name, user },
  };
}

/**
 * What `createMessage` needs for a message that answers an interaction: posted by the bot as the
 * application's webhook. Slash command responses are type 20 (CHAT_INPUT_COMMAND); Discord does
 * not document the type of a reply to a component, and the fake uses DEFAULT there.
 */
export function interactionMessageInput(
  state: FakeState,
  record: InteractionRecord,
  fields: MessageFields,
  uploads: CreateMessageInput['uploads'],
  extraFlags = 0,
): CreateMessageInput {
  const type =
    record.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default;
  return {
    channelId: record.channelId,
    guildId: record.guildId,
    author: state.world.botUser,
    type,
    fields,
    uploads,
    allowEphemeral: true,
    extraFlags,
    webhookId: state.world.applicationId,
    applicationId: state.world.applicationId,
    ...interactionStamp(record),
  };
}

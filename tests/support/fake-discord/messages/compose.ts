import {
  type APIAttachment,
  type APIEmbed,
  type APIMessage,
  type APIMessageInteraction,
  type APIMessageInteractionMetadata,
  type APIMessageReference,
  type APIMessageTopLevelComponent,
  type APIUser,
  MessageFlags,
  type MessageType,
} from 'discord.js';
import { type Clock, discordTimestamp } from '../clock.js';
import type { RecordedFile } from '../http/request-log.js';
import type { SnowflakeGenerator } from '../snowflake.js';
import { type AttachmentReference, fileIndex, type MessageFields } from './payload.js';

/** What composing a message needs from the fake. */
export interface ComposeContext {
  readonly ids: SnowflakeGenerator;
  readonly clock: Clock;
  /** `http://127.0.0.1:PORT`, where the fake serves attachment bytes. */
  readonly origin: string;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk, as Discord reports them for images. */
function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function newAttachment(
  file: RecordedFile,
  channelId: string,
  reference: AttachmentReference | undefined,
  ephemeral: boolean,
  context: ComposeContext,
): APIAttachment {
  const id = context.ids.next();
  // Discord swaps whitespace for underscores; the request log keeps the name the bot sent.
  const filename = (reference?.filename ?? file.filename).replace(/\s/g, '_');
  const url = `${context.origin}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
  const size = pngSize(file.bytes);
  return {
    id,
    filename,
    size: file.bytes.length,
    url,
    proxy_url: url,
    ...(file.contentType !== undefined ? { content_type: file.contentType } : {}),
    ...(size ?? {}),
    ...(reference?.description != null ? { description: reference.description } : {}),
    ...(ephemeral ? { ephemeral: true } : {}),
  };
}

export interface AttachmentSet {
  readonly attachments: APIAttachment[];
  readonly files: Map<string, RecordedFile>;
}

/**
 * The attachments a message ends up with. New uploads are `files[n]` fields, referenced from
 * `attachments` by `id: n`. On create every upload is attached. On edit (API v10) an `attachments`
 * array lists everything to keep, old and new, and anything not listed goes; without the
 * array the old attachments stay and new uploads are added.
 */
export function resolveAttachments(
  mode: 'create' | 'edit',
  channelId: string,
  fields: MessageFields,
  uploads: readonly RecordedFile[],
  previous: AttachmentSet,
  ephemeral: boolean,
  context: ComposeContext,
): AttachmentSet {
  const uploadsByIndex = new Map<string, RecordedFile>();
  for (const file of uploads) {
    const index = fileIndex(file.field);
    if (index !== undefined) uploadsByIndex.set(String(index), file);
  }

  const attachments: APIAttachment[] = [];
  const files = new Map<string, RecordedFile>();
  const add = (file: RecordedFile, reference: AttachmentReference | undefined): void => {
    const attachment = newAttachment(file, channelId, reference, ephemeral, context);
    attachments.push(attachment);
    files.set(attachment.id, file);
  };

  const references = fields.attachments ?? undefined;
  if (references === undefined) {
    if (mode === 'edit') {
      attachments.push(...previous.attachments);
      for (const [id, file] of previous.files) files.set(id, file);
    }
    for (const file of uploadsByIndex.values()) add(file, undefined);
    return { attachments, files };
  }

  const used = new Set<string>();
  for (const reference of references) {
    const key = String(reference.id);
    const upload = uploadsByIndex.get(key);
    const kept = previous.attachments.find((attachment) => attachment.id === key);
    if (upload && !used.has(key)) {
      used.add(key);
      add(upload, reference);
    } else if (kept && mode === 'edit') {
      const description = reference.description ?? kept.description ?? undefined;
      attachments.push({ ...kept, ...(description !== undefined ? { description } : {}) });
      const file = previous.files.get(kept.id);
      if (file) files.set(kept.id, file);
    }
  }
  if (mode === 'create') {
    for (const [key, file] of uploadsByIndex) if (!used.has(key)) add(file, undefined);
  }
  return { attachments, files };
}

export interface NewMessage {
  readonly channelId: string;
  readonly author: APIUser;
  readonly type: MessageType;
  readonly fields: MessageFields;
  readonly attachments: APIAttachment[];
  readonly flags: number;
  readonly webhookId?: string;
  readonly applicationId?: string;
  readonly interactionMetadata?: APIMessageInteractionMetadata;
  readonly interaction?: APIMessageInteraction;
  readonly messageReference?: APIMessageReference;
}

/** A message object as Discord returns it from a create (REST) or sends in MESSAGE_CREATE. */
export function composeMessage(input: NewMessage, context: ComposeContext): APIMessage {
  const { fields } = input;
  return {
    id: context.ids.next(),
    channel_id: input.channelId,
    author: input.author,
    content: fields.content ?? '',
    timestamp: discordTimestamp(context.clock.now()),
    edited_timestamp: null,
    tts: fields.tts ?? false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: input.attachments,
    embeds: (fields.embeds ?? []) as APIEmbed[],
    components: (fields.components ?? []) as APIMessageTopLevelComponent[],
    pinned: false,
    type: input.type,
    flags: input.flags as MessageFlags,
    ...(fields.nonce != null ? { nonce: fields.nonce } : {}),
    ...(input.messageReference ? { message_reference: input.messageReference } : {}),
    ...(input.webhookId !== undefined ? { webhook_id: input.webhookId } : {}),
    ...(input.applicationId !== undefined ? { application_id: input.applicationId } : {}),
    ...(input.interactionMetadata ? { interaction_metadata: input.interactionMetadata } : {}),
    ...(input.interaction ? { interaction: input.interaction } : {}),
  };
}

/**
 * The message after an edit: fields left out stay, `null` clears. Editing a deferred response
 * (LOADING flag) fills it in rather than editing it, so it gets no edited timestamp.
 */
export function applyEdit(
  message: APIMessage,
  fields: MessageFields,
  attachments: APIAttachment[],
  context: ComposeContext,
): APIMessage {
  const flags = message.flags ?? 0;
  const wasLoading = (flags & MessageFlags.Loading) !== 0;
  // Only SUPPRESS_EMBEDS may be changed by an edit; everything else is kept as it was.
  const suppress =
    fields.flags === undefined || fields.flags === null
      ? flags & MessageFlags.SuppressEmbeds
      : fields.flags & MessageFlags.SuppressEmbeds;
  const nextFlags = (flags & ~MessageFlags.Loading & ~MessageFlags.SuppressEmbeds) | suppress;
  return {
    ...message,
    content: fields.content === undefined ? message.content : (fields.content ?? ''),
    embeds: fields.embeds === undefined ? message.embeds : ((fields.embeds ?? []) as APIEmbed[]),
    components:
      fields.components === undefined
        ? (message.components ?? [])
        : ((fields.components ?? []) as APIMessageTopLevelComponent[]),
    attachments,
    flags: nextFlags as MessageFlags,
    edited_timestamp: wasLoading ? message.edited_timestamp : discordTimestamp(context.clock.now()),
  };
}

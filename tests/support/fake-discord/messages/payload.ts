import type { APIAttachment } from 'discord.js';
import { z } from 'zod';
import { discordErrors } from '../http/errors.js';
import { parseForm } from '../http/form-errors.js';
import type { RecordedFile } from '../http/request-log.js';

// discord.js sends `description: null` and friends for files without one; Discord accepts that.
const attachmentReference = z.looseObject({
  id: z.union([z.string(), z.number()]),
  filename: z.string().max(1024).nullish(),
  description: z.string().max(1024).nullish(),
});

/**
 * The message fields Discord accepts on create, edit and interaction responses. Unknown fields pass
 * through untouched, as they do at Discord; `null` means "clear" on an edit.
 */
const messageFields = z.looseObject({
  content: z.string().max(2000).nullish(),
  embeds: z.array(z.looseObject({})).max(10).nullish(),
  components: z.array(z.looseObject({ type: z.number().int() })).nullish(),
  flags: z.number().int().nonnegative().nullish(),
  tts: z.boolean().nullish(),
  attachments: z.array(attachmentReference).max(10).nullish(),
  nonce: z.union([z.string().max(25), z.number().int()]).nullish(),
  enforce_nonce: z.boolean().nullish(),
  sticker_ids: z.array(z.string()).max(3).optional(),
  poll: z.looseObject({}).optional(),
  message_reference: z
    .looseObject({
      type: z.number().int().optional(),
      message_id: z.string().optional(),
      channel_id: z.string().optional(),
      guild_id: z.string().optional(),
      fail_if_not_exists: z.boolean().optional(),
    })
    .nullish(),
});

export type MessageFields = z.output<typeof messageFields>;
export type AttachmentReference = z.output<typeof attachmentReference>;

/** Validates a message body, throwing Discord's 50035 for a bad field. */
export function parseMessageFields(json: unknown): MessageFields {
  return parseForm(messageFields, json ?? {});
}

/**
 * Refuses oversized and surplus uploads the way Discord does: 413 / 40005 for any file over the
 * limit, 50035 for more than ten files.
 */
export function checkUploads(files: readonly RecordedFile[], maxUploadBytes: number): void {
  if (files.some((file) => file.bytes.length > maxUploadBytes)) throw discordErrors.entityTooLarge();
  if (files.length > 10) {
    throw discordErrors.invalidField(['files'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  }
}

/** The index `n` of a `files[n]` form field, or undefined for any other name. */
export function fileIndex(field: string): number | undefined {
  const match = /^files\[(\d+)\]$/.exec(field) ?? /^file(\d*)$/.exec(field);
  if (!match) return undefined;
  return match[1] === '' || match[1] === undefined ? 0 : Number(match[1]);
}

/** What a message would hold after this request, for Discord's "Cannot send an empty message" check. */
export function isEmptyMessage(message: {
  content: string;
  embeds: readonly unknown[];
  attachments: readonly APIAttachment[];
  components?: readonly unknown[];
  sticker_items?: readonly unknown[];
  poll?: unknown;
}): boolean {
  return (
    message.content.trim() === '' &&
    message.embeds.length === 0 &&
    message.attachments.length === 0 &&
    (message.components?.length ?? 0) === 0 &&
    (message.sticker_items?.length ?? 0) === 0 &&
    message.poll === undefined
  );
}

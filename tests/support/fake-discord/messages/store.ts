import type { APIMessage } from 'discord.js';
import type { RecordedFile } from '../http/request-log.js';

/** A message the bot created, with the bytes behind each attachment. */
export interface StoredMessage {
  readonly message: APIMessage;
  readonly guildId: string | undefined;
  readonly createdAtMs: number;
  /** Attachment id → the uploaded file, for the fake CDN and for tests. */
  readonly files: ReadonlyMap<string, RecordedFile>;
}

/** Messages by id, in creation order. */
export class MessageStore {
  readonly #messages = new Map<string, StoredMessage>();

  put(stored: StoredMessage): void {
    this.#messages.set(stored.message.id, stored);
  }

  get(id: string): StoredMessage | undefined {
    return this.#messages.get(id);
  }

  delete(id: string): boolean {
    return this.#messages.delete(id);
  }

  inChannel(channelId: string): APIMessage[] {
    return [...this.#messages.values()]
      .filter((stored) => stored.message.channel_id === channelId)
      .map((stored) => stored.message);
  }

  /** The message `enforce_nonce` would return instead of creating a new one. */
  findByNonce(
    channelId: string,
    authorId: string,
    nonce: string | number,
    sinceMs: number,
  ): StoredMessage | undefined {
    return [...this.#messages.values()].find(
      (stored) =>
        stored.message.channel_id === channelId &&
        stored.message.author.id === authorId &&
        stored.message.nonce !== undefined &&
        String(stored.message.nonce) === String(nonce) &&
        stored.createdAtMs >= sinceMs,
    );
  }

  /** The uploaded file behind an attachment id, for GET /attachments/…. */
  attachmentFile(attachmentId: string): RecordedFile | undefined {
    for (const stored of this.#messages.values()) {
      const file = stored.files.get(attachmentId);
      if (file) return file;
    }
    return undefined;
  }
}

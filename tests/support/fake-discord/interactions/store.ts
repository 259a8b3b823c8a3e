import type { APIInteraction, InteractionResponseType, InteractionType } from 'discord.js';

/** An interaction the fake sent, and what the bot has done with it so far. */
export interface InteractionRecord {
  readonly id: string;
  readonly token: string;
  readonly type: InteractionType;
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly createdAtMs: number;
  /** The INTERACTION_CREATE data as sent. */
  readonly payload: APIInteraction;
  /** For component interactions: the message the component sits on. */
  readonly sourceMessageId: string | null;
  /** The callback type of the one accepted callback, or null before it. */
  callbackType: InteractionResponseType | null;
  /** The message `@original` refers to, once there is one. */
  originalMessageId: string | null;
  /** True after a deferred reply until its first follow-up, which fills in the deferred message. */
  deferredReplyPending: boolean;
  readonly followupMessageIds: string[];
}

/** Interactions by id and by token. */
export class InteractionStore {
  readonly #byId = new Map<string, InteractionRecord>();

  add(record: InteractionRecord): void {
    this.#byId.set(record.id, record);
  }

  byId(id: string): InteractionRecord | undefined {
    return this.#byId.get(id);
  }

  byToken(token: string): InteractionRecord | undefined {
    return [...this.#byId.values()].find((record) => record.token === token);
  }
}

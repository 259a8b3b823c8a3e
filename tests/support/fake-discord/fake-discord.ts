import type http from 'node:http';
import type { APIApplicationCommand, APIMessage, APIUser } from 'discord.js';
import { type ChangeFeed, type WaitOptions, waitForChange } from './change-feed.js';
import type { Clock } from './clock.js';
import type { CommandStore } from './commands/store.js';
import type { FakeGateway } from './gateway/server.js';
import type { FaultInjector, FaultRule } from './http/faults.js';
import type { RecordedFile, RecordedRequest, RequestLog } from './http/request-log.js';
import { buildInteraction, type InteractionInput } from './interactions/payload.js';
import type { InteractionRecord, InteractionStore } from './interactions/store.js';
import type { MessageStore } from './messages/store.js';
import type { FakeState } from './state.js';
import type { FakeGuildChannel, WorldGuild } from './world/types.js';

/** What `sendInteraction` returns: enough to find the interaction's callback and edits afterwards. */
export interface InjectedInteraction {
  readonly id: string;
  readonly token: string;
  readonly applicationId: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
}

/** A snapshot of what the bot has done with an interaction. */
export type InteractionState = Omit<Readonly<InteractionRecord>, 'followupMessageIds'> & {
  readonly followupMessageIds: readonly string[];
};

/** Gateway levers and records a test may use; starting and stopping is the fake's business. */
export type GatewayControls = Pick<
  FakeGateway,
  | 'url'
  | 'resumeUrl'
  | 'connections'
  | 'frames'
  | 'dispatch'
  | 'closeConnections'
  | 'dropConnections'
  | 'requestReconnect'
  | 'invalidateSessions'
>;

/** A filter for `requests()`: all given fields must match. */
export interface RequestFilter {
  readonly method?: string;
  /** The path after `/api/v10`: exact string, or a RegExp. */
  readonly path?: string | RegExp;
  /** A route template as recorded, e.g. `PATCH /webhooks/:app/:token/messages/:message`. */
  readonly route?: string;
}

export interface FakeDiscordParts {
  readonly state: FakeState;
  readonly origin: string;
  readonly restServer: http.Server;
  readonly gateway: FakeGateway;
  readonly log: RequestLog;
  readonly faults: FaultInjector;
  readonly feed: ChangeFeed;
  readonly messages: MessageStore;
  readonly interactions: InteractionStore;
  readonly commands: CommandStore;
}

/**
 * A running fake Discord: REST on `apiUrl`, a gateway on `gateway.url`. Give the client
 * `rest: { api: fake.apiUrl }` and `fake.token`; discord.js finds the gateway through GET /gateway/bot.
 */
export class FakeDiscord {
  /** For `new Client({ rest: { api } })`: `http://127.0.0.1:PORT/api`. */
  readonly apiUrl: string;
  readonly origin: string;
  readonly token: string;
  readonly botUser: APIUser;
  readonly applicationId: string;
  readonly clock: Clock;
  readonly gateway: GatewayControls;
  #closed: Promise<void> | undefined;

  constructor(private readonly parts: FakeDiscordParts) {
    const { state } = parts;
    this.origin = parts.origin;
    this.apiUrl = `${parts.origin}/api`;
    this.token = state.settings.token;
    this.botUser = state.world.botUser;
    this.applicationId = state.world.applicationId;
    this.clock = state.clock;
    this.gateway = parts.gateway;
  }

  /** A configured guild: the first one, or the one with this id or name. */
  guild(idOrName?: string): WorldGuild {
    const guilds = [...this.parts.state.world.guilds.values()];
    const guild =
      idOrName === undefined
        ? guilds[0]
        : guilds.find((candidate) => candidate.guild.id === idOrName || candidate.guild.name === idOrName);
    if (!guild) throw new Error(`fake Discord: no guild ${idOrName ?? '(none configured)'}`);
    return guild;
  }

  /** A configured channel by id or name (searching every guild). */
  channel(idOrName: string): FakeGuildChannel {
    for (const { channels } of this.parts.state.world.guilds.values()) {
      const channel = channels.find((candidate) => candidate.id === idOrName || candidate.name === idOrName);
      if (channel) return channel;
    }
    throw new Error(`fake Discord: no channel ${idOrName}`);
  }

  /** A configured user by id or username. */
  user(idOrName: string): APIUser {
    const users = [...this.parts.state.world.users.values()];
    const user = users.find((candidate) => candidate.id === idOrName || candidate.username === idOrName);
    if (!user) throw new Error(`fake Discord: no user ${idOrName}`);
    return user;
  }

  /** Requests in arrival order, optionally filtered. */
  requests(filter: RequestFilter = {}): readonly RecordedRequest[] {
    return this.parts.log.all().filter((entry) => {
      if (filter.method !== undefined && entry.method !== filter.method.toUpperCase()) return false;
      if (filter.route !== undefined && entry.route !== filter.route) return false;
      if (typeof filter.path === 'string' && entry.path !== filter.path) return false;
      if (filter.path instanceof RegExp && !filter.path.test(entry.path)) return false;
      return true;
    });
  }

  /** Requests that matched no route (answered 404 or 405): each one is a call the fake does not know. */
  unmatchedRequests(): readonly RecordedRequest[] {
    return this.parts.log.all().filter((entry) => entry.route === null);
  }

  /** Makes the next matching request(s) fail with a 429 or a 5xx. See {@link FaultRule}. */
  failNext(rule: FaultRule): void {
    this.parts.faults.add(rule);
  }

  /** How many injected faults have not been served yet. */
  pendingFaults(): number {
    return this.parts.faults.pending();
  }

  /**
   * Sends INTERACTION_CREATE for a slash command or a button press to the bot's session(s).
   * Throws when no client has identified yet, since Discord would have no one to send it to.
   */
  sendInteraction(input: InteractionInput): InjectedInteraction {
    const { state, gateway, interactions } = this.parts;
    if (!gateway.sessions().some((session) => session.resumable)) {
      throw new Error('fake Discord: no gateway session to send the interaction to; log the client in first');
    }
    const record = buildInteraction(input, { ...state, maxUploadBytes: state.settings.maxUploadBytes });
    interactions.add(record);
    gateway.dispatch('INTERACTION_CREATE', record.payload);
    const { id, token, guildId, channelId, userId } = record;
    return { id, token, applicationId: state.world.applicationId, guildId, channelId, userId };
  }

  /** What the bot has done with an interaction so far. */
  interaction(id: string): InteractionState {
    const record = this.parts.interactions.byId(id);
    if (!record) throw new Error(`fake Discord: no interaction ${id}`);
    return { ...record, followupMessageIds: [...record.followupMessageIds] };
  }

  /** Every request made for an interaction (callback, @original, follow-ups), failures included. */
  interactionEvents(id: string): readonly RecordedRequest[] {
    return this.parts.log.all().filter((entry) => entry.interactionId === id);
  }

  /** The message `@original` refers to, if the interaction has one. */
  originalResponse(id: string): APIMessage | undefined {
    const messageId = this.interaction(id).originalMessageId;
    return messageId === null ? undefined : this.parts.messages.get(messageId)?.message;
  }

  /** Messages in a channel, oldest first, ephemeral ones included (flag 64). */
  channelMessages(channelId: string): APIMessage[] {
    return this.parts.messages.inChannel(channelId);
  }

  message(id: string): APIMessage | undefined {
    return this.parts.messages.get(id)?.message;
  }

  /** The uploaded files behind a message's attachments, in attachment order. */
  messageFiles(messageId: string): RecordedFile[] {
    const stored = this.parts.messages.get(messageId);
    if (!stored) return [];
    return stored.message.attachments.flatMap((attachment) => stored.files.get(attachment.id) ?? []);
  }

  /** Registered commands: global ones, or a guild's. */
  registeredCommands(guildId?: string): APIApplicationCommand[] {
    return this.parts.commands.list(guildId === undefined ? {} : { guildId });
  }

  /** Resolves with the first truthy `probe()` result, re-checked after every request and gateway frame. */
  waitFor<T>(probe: () => T | undefined | null | false, options?: WaitOptions): Promise<T> {
    return waitForChange(this.parts.feed, probe, options);
  }

  /** Resolves with the first recorded request (past or future) that matches. */
  waitForRequest(
    match: (request: RecordedRequest) => boolean,
    options?: WaitOptions,
  ): Promise<RecordedRequest> {
    return this.waitFor(() => this.parts.log.all().find(match), options);
  }

  /** Closes the gateway and REST servers, cutting any open connections. Safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.parts.gateway.close();
      const server = this.parts.restServer;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    })();
    return this.#closed;
  }
}

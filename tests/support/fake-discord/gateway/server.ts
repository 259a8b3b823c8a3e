import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { GatewayCloseCodes, GatewayOpcodes } from 'discord.js';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { ChangeFeed } from '../change-feed.js';
import type { Clock } from '../clock.js';
import { checkIdentify, checkResume, isRefusal } from './handshake.js';
import type { GatewayConnectionRecord, GatewayFrameRecord } from './records.js';
import { type DispatchFrame, GatewaySession } from './session.js';

export interface GatewayOptions {
  readonly token: string;
  readonly heartbeatIntervalMs: number;
  readonly clock: Clock;
  readonly feed: ChangeFeed;
  /** READY and the GUILD_CREATEs that follow it, for a new session. */
  readonly initialEvents: (session: GatewaySession, resumeGatewayUrl: string) => { t: string; d: unknown }[];
}

interface Connection {
  readonly record: GatewayConnectionRecord;
  readonly socket: WebSocket;
  session: GatewaySession | null;
  closedByServer: boolean;
}

type Payload = { op: number; d?: unknown };

/**
 * The gateway half of the fake: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeat ACKs,
 * RESUME with replay, and levers to break connections the ways Discord does.
 */
export class FakeGateway {
  readonly #sessions = new Map<string, GatewaySession>();
  readonly #connections: Connection[] = [];
  readonly #frames: GatewayFrameRecord[] = [];
  readonly #wss = new WebSocketServer({ noServer: true });

  private constructor(
    private readonly options: GatewayOptions,
    private readonly server: http.Server,
    /** `ws://127.0.0.1:PORT`, what GET /gateway/bot hands out. */
    readonly url: string,
  ) {
    server.on('upgrade', (request, socket, head) => this.#upgrade(request, socket, head));
  }

  /** Starts the gateway on 127.0.0.1 with a random port. */
  static async start(options: GatewayOptions): Promise<FakeGateway> {
    const server = http.createServer((_request, response) => {
      response.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade Required');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return new FakeGateway(options, server, `ws://127.0.0.1:${port}`);
  }

  /** Where READY tells clients to resume; a distinct path so tests can see which URL was used. */
  get resumeUrl(): string {
    return `${this.url}/resume`;
  }

  connections(): readonly GatewayConnectionRecord[] {
    return this.#connections.map((connection) => connection.record);
  }

  frames(): readonly GatewayFrameRecord[] {
    return [...this.#frames];
  }

  sessions(): readonly GatewaySession[] {
    return [...this.#sessions.values()];
  }

  /**
   * Sends a dispatch to every live session (kept for replay when it has no connection right now).
   * With `requiredIntent`, sessions that did not identify with that intent are skipped.
   */
  dispatch(t: string, d: unknown, requiredIntent?: number): void {
    for (const session of this.#sessions.values()) {
      if (!session.resumable) continue;
      if (requiredIntent !== undefined && (session.intents & requiredIntent) === 0) continue;
      const frame = session.record(t, d);
      const connection = this.#connections.find((candidate) => candidate.socket === session.socket);
      if (connection && connection.socket.readyState === connection.socket.OPEN)
        this.#send(connection, frame);
    }
  }

  /** Closes every open connection with `code`; 4000 (unknown error) makes discord.js resume. */
  closeConnections(code: number = GatewayCloseCodes.UnknownError, reason = 'Unknown error.'): void {
    for (const connection of this.#open()) {
      connection.closedByServer = true;
      connection.socket.close(code, reason);
    }
  }

  /** Drops every open connection without a close frame, like a network failure (1006 on the client). */
  dropConnections(): void {
    for (const connection of this.#open()) {
      connection.closedByServer = true;
      connection.socket.terminate();
    }
  }

  /** Sends op 7 RECONNECT, which tells the client to reconnect and resume. */
  requestReconnect(): void {
    for (const connection of this.#open()) this.#send(connection, { op: GatewayOpcodes.Reconnect, d: null });
  }

  /** Sends op 9 INVALID_SESSION; with `resumable` false the sessions end and the client must IDENTIFY. */
  invalidateSessions(resumable: boolean): void {
    for (const connection of this.#open()) {
      this.#send(connection, { op: GatewayOpcodes.InvalidSession, d: resumable });
      if (!resumable && connection.session) connection.session.resumable = false;
    }
  }

  /** Terminates all connections and stops listening. */
  async close(): Promise<void> {
    for (const connection of this.#connections) {
      connection.closedByServer = true;
      connection.socket.terminate();
    }
    this.#wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #open(): Connection[] {
    return this.#connections.filter((connection) => connection.socket.readyState === connection.socket.OPEN);
  }

  #upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'ws://127.0.0.1');
    if (url.pathname !== '/' && url.pathname !== '/resume') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      const record: GatewayConnectionRecord = {
        id: this.#connections.length + 1,
        via: url.pathname === '/resume' ? 'resume' : 'gateway',
        query: Object.fromEntries(url.searchParams),
        sessionId: null,
        start: null,
        closeCode: null,
      };
      const connection: Connection = { record, socket: ws, session: null, closedByServer: false };
      this.#connections.push(connection);
      this.#accept(connection);
    });
  }

  #accept(connection: Connection): void {
    const { socket, record } = connection;
    socket.on('message', (data, isBinary) => this.#receive(connection, data, isBinary));
    socket.on('close', (code) => {
      record.closeCode = code;
      const session = connection.session;
      if (session && session.socket === socket) session.socket = null;
      // A client that closes with 1000/1001 is done with its session, as at Discord.
      if (session && !connection.closedByServer && (code === 1000 || code === 1001))
        session.resumable = false;
      this.options.feed.notify();
    });
    socket.on('error', () => undefined);

    // The real gateway refuses old versions and encodings it does not speak.
    if (record.query.v !== '10') {
      this.#closeWith(connection, GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version.');
      return;
    }
    if (record.query.encoding !== undefined && record.query.encoding !== 'json') {
      this.#closeWith(connection, GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    this.#send(connection, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs },
    });
  }

  #receive(connection: Connection, data: RawData, isBinary: boolean): void {
    let payload: Payload;
    try {
      const text = isBinary ? '' : Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
      payload = JSON.parse(text) as Payload;
      if (typeof payload.op !== 'number') throw new Error('no op');
    } catch {
      this.#closeWith(connection, GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    this.#log(connection, 'received', payload.op, null, null, payload.d);

    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.#send(connection, { op: GatewayOpcodes.HeartbeatAck, d: null });
        return;
      case GatewayOpcodes.Identify:
        this.#identify(connection, payload.d);
        return;
      case GatewayOpcodes.Resume:
        this.#resume(connection, payload.d);
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
      case GatewayOpcodes.RequestSoundboardSounds:
        // Accepted and ignored; nightmask needs none of these answered.
        if (!connection.session)
          this.#closeWith(connection, GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        return;
      default:
        this.#closeWith(connection, GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  #identify(connection: Connection, data: unknown): void {
    if (connection.session) {
      this.#closeWith(connection, GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    const checked = checkIdentify(data, this.options.token);
    if (isRefusal(checked)) {
      this.#closeWith(connection, checked.code, checked.reason);
      return;
    }

    const session = new GatewaySession(randomBytes(16).toString('hex'), checked.intents);
    this.#sessions.set(session.id, session);
    this.#attach(connection, session, 'identify');
    for (const event of this.options.initialEvents(session, this.resumeUrl)) {
      this.#send(connection, session.record(event.t, event.d));
    }
  }

  #resume(connection: Connection, data: unknown): void {
    if (connection.session) {
      this.#closeWith(connection, GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    const checked = checkResume(data, this.options.token);
    if (isRefusal(checked)) {
      this.#closeWith(connection, checked.code, checked.reason);
      return;
    }
    const session = this.#sessions.get(checked.sessionId);
    const { seq } = checked;
    if (!session?.resumable || !(seq >= 0 && seq <= session.seq)) {
      // Discord answers an unresumable session with op 9 false and waits for a fresh IDENTIFY.
      this.#send(connection, { op: GatewayOpcodes.InvalidSession, d: false });
      return;
    }

    // A session has one connection; a stale one still open loses it.
    const previous = this.#connections.find((candidate) => candidate.socket === session.socket);
    if (previous && previous !== connection) {
      previous.closedByServer = true;
      previous.socket.close(GatewayCloseCodes.UnknownError, 'Session resumed elsewhere.');
    }
    this.#attach(connection, session, 'resume');
    for (const frame of session.framesAfter(seq)) this.#send(connection, frame);
    this.#send(connection, session.record('RESUMED', {}));
  }

  #attach(connection: Connection, session: GatewaySession, start: 'identify' | 'resume'): void {
    connection.session = session;
    connection.record.sessionId = session.id;
    connection.record.start = start;
    session.socket = connection.socket;
  }

  #closeWith(connection: Connection, code: number, reason: string): void {
    connection.closedByServer = true;
    connection.socket.close(code, reason);
  }

  #send(connection: Connection, payload: DispatchFrame | { op: number; d: unknown }): void {
    const frame = { t: null, s: null, ...payload };
    connection.socket.send(JSON.stringify(frame));
    this.#log(connection, 'sent', frame.op, frame.t, frame.s, frame.d);
  }

  #log(
    connection: Connection,
    direction: GatewayFrameRecord['direction'],
    op: number,
    t: string | null,
    s: number | null,
    d: unknown,
  ): void {
    const atMs = this.options.clock.now();
    this.#frames.push({ connectionId: connection.record.id, direction, atMs, op, t, s, d });
    this.options.feed.notify();
  }
}

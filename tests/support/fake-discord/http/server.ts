import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../clock.js';
import { DiscordHttpError, discordErrors } from './errors.js';
import type { FaultInjector } from './faults.js';
import { multipartBoundary, parseMultipart } from './multipart.js';
import { routeRateLimitHeaders } from './rate-limit-headers.js';
import type { RecordedFile, RecordedRequest, RequestLog } from './request-log.js';
import type { Router } from './router.js';

/** discord.js is configured with `rest.api = <origin>/api` and appends `/v10` itself. */
export const API_PREFIX = '/api/v10';

export interface RestServerDeps {
  readonly router: Router;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
  readonly clock: Clock;
  readonly token: string;
  /** Refuse bodies above this many bytes outright (413) instead of buffering them. */
  readonly maxBodyBytes: number;
  /** The interaction a matched route acts on (from its id or token), for the request log. */
  readonly interactionFor: (params: Readonly<Record<string, string>>) => string | undefined;
  /** The fake CDN: bytes behind an attachment id, if there is such an attachment. */
  readonly attachment: (attachmentId: string) => RecordedFile | undefined;
}

interface ParsedBody {
  readonly json: unknown;
  readonly files: RecordedFile[];
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
  readonly json: unknown;
}

function jsonAnswer(status: number, json: unknown, headers: Record<string, string> = {}): Answer {
  if (json === undefined) return { status, headers, body: '', json };
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(json),
    json,
  };
}

function errorAnswer(error: DiscordHttpError): Answer {
  return jsonAnswer(error.status, error.body);
}

async function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    // Keep draining so the client sees the 413 instead of a reset connection.
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? 'too-large' : Buffer.concat(chunks);
}

/** JSON bodies and multipart bodies (`payload_json` plus `files[n]`), the two forms Discord takes. */
function parseBody(raw: Buffer, contentType: string): ParsedBody {
  if (raw.length === 0) return { json: undefined, files: [] };
  const parseJson = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw discordErrors.invalidJson();
    }
  };

  if (contentType.startsWith('multipart/form-data')) {
    const boundary = multipartBoundary(contentType);
    if (!boundary)
      throw discordErrors.invalidField([], 'CONTENT_TYPE_INVALID', 'Expected a multipart boundary.');
    let parts: ReturnType<typeof parseMultipart>;
    try {
      parts = parseMultipart(raw, boundary);
    } catch (error) {
      throw discordErrors.invalidField(
        [],
        'BASE_TYPE_BAD',
        `Malformed multipart body: ${(error as Error).message}`,
      );
    }
    const payload = parts.find((part) => part.name === 'payload_json' && part.filename === undefined);
    const files = parts
      .filter((part) => part.filename !== undefined)
      .map((part) => ({
        field: part.name,
        filename: part.filename ?? '',
        contentType: part.contentType,
        bytes: part.data,
      }));
    return { json: payload ? parseJson(payload.data.toString('utf8')) : undefined, files };
  }
  return { json: parseJson(raw.toString('utf8')), files: [] };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function flatHeaders(request: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * The REST half of the fake: parses, fault-injects, authenticates, routes and records every request.
 * Returns the server and its origin (`http://127.0.0.1:PORT`).
 */
export async function startRestServer(
  deps: RestServerDeps,
): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer((request, response) => {
    handle(deps, request).then(
      (answer) => {
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      },
      // Only a client that hung up mid-body gets here; there is no one left to answer.
      () => response.destroy(),
    );
  });
  // Discord holds idle keep-alive connections open too; close() cuts them.
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

async function handle(deps: RestServerDeps, request: http.IncomingMessage): Promise<Answer> {
  const seq = deps.log.nextSeq();
  const atMs = deps.clock.now();
  const method = (request.method ?? 'GET').toUpperCase();
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const isApi = url.pathname.startsWith(`${API_PREFIX}/`);
  // discord.js sends `@original` as `%40original`; decode per segment so routes and tests see `@`.
  const decoded = url.pathname.split('/').map(decodeSegment).join('/');
  const path = isApi ? decoded.slice(API_PREFIX.length) : decoded;
  const headers = flatHeaders(request);
  let route: string | null = null;
  let parsed: ParsedBody = { json: undefined, files: [] };
  let interactionId: string | undefined;
  let fault: RecordedRequest['fault'];

  const answer = await (async (): Promise<Answer> => {
    const raw = await readBody(request, deps.maxBodyBytes);
    if (raw === 'too-large') return errorAnswer(discordErrors.entityTooLarge());

    // The fake CDN, outside the API, so attachment URLs in messages resolve on loopback.
    const cdn = /^\/attachments\/\d+\/(\d+)\/[^/]+$/.exec(url.pathname);
    if (!isApi && cdn && method === 'GET') {
      route = 'GET /attachments/:channel/:attachment/:filename';
      const file = deps.attachment(cdn[1] ?? '');
      if (!file) return errorAnswer(discordErrors.notFound());
      const type = file.contentType ?? 'application/octet-stream';
      return { status: 200, headers: { 'content-type': type }, body: file.bytes, json: undefined };
    }
    if (!isApi) return errorAnswer(discordErrors.notFound());

    try {
      parsed = parseBody(raw, headers['content-type'] ?? '');
    } catch (error) {
      if (error instanceof DiscordHttpError) return errorAnswer(error);
      throw error;
    }

    const match = deps.router.match(method, path);
    if (match.kind === 'none') return errorAnswer(discordErrors.notFound());
    if (match.kind === 'wrong-method') return errorAnswer(discordErrors.methodNotAllowed());
    route = `${method} ${match.route.template}`;
    // Tagged before faults and auth, so a 429 on an edit still shows up in interactionEvents().
    interactionId = deps.interactionFor(match.params);

    const injected = deps.faults.take(method, path, route, atMs);
    if (injected) {
      fault = injected.kind;
      return { status: injected.status, headers: injected.headers, body: injected.body, json: injected.json };
    }

    if (match.route.auth === 'bot' && headers.authorization !== `Bot ${deps.token}`) {
      return errorAnswer(discordErrors.unauthorized());
    }

    const body = parsed;
    try {
      const result = await match.route.handler({
        method,
        path,
        params: match.params,
        query: url.searchParams,
        headers,
        json: body.json,
        files: body.files,
      });
      // Interaction callbacks are not rate limited per route, and Discord sends no bucket headers.
      const limits = path.startsWith('/interactions/') ? {} : routeRateLimitHeaders(route, atMs);
      return jsonAnswer(result.status, result.body, limits);
    } catch (error) {
      if (error instanceof DiscordHttpError) return errorAnswer(error);
      // A bug in the fake, not an answer Discord would give: make it loud in the test output.
      console.error(`fake Discord: ${route} threw`, error);
      return jsonAnswer(500, { message: '500: Internal Server Error', code: 0, fake_error: String(error) });
    }
  })();

  deps.log.add({
    seq,
    atMs,
    method,
    path,
    query: Object.fromEntries(url.searchParams),
    headers,
    json: parsed.json,
    files: parsed.files,
    route,
    status: answer.status,
    response: answer.json,
    ...(fault ? { fault } : {}),
    ...(interactionId !== undefined ? { interactionId } : {}),
  });
  return answer;
}

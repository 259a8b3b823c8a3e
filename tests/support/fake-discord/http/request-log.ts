import type { ChangeFeed } from '../change-feed.js';

/** A file the bot uploaded, with its exact bytes. */
export interface RecordedFile {
  /** The form field, e.g. `files[0]`. */
  readonly field: string;
  /** The filename as the bot sent it, before any clean-up Discord does. */
  readonly filename: string;
  readonly contentType: string | undefined;
  readonly bytes: Buffer;
}

/** One request the fake answered, whatever the outcome. */
export interface RecordedRequest {
  /** Order of arrival, from 1. */
  readonly seq: number;
  /** When it arrived, on the fake's clock. */
  readonly atMs: number;
  readonly method: string;
  /** The path after `/api/v10`, e.g. `/channels/123/messages`; the full path for anything else. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body, or `payload_json` of a multipart body; undefined when there was none. */
  readonly json: unknown;
  readonly files: readonly RecordedFile[];
  /** The route template that matched, e.g. `PATCH /webhooks/:app/:token/messages/@original`; null if none. */
  readonly route: string | null;
  readonly status: number;
  /** The JSON the fake answered with; undefined for an empty body. */
  readonly response: unknown;
  /** Set when the answer came from `failNext` rather than from the route. */
  readonly fault?: 'rate-limit' | 'server-error';
  /** The interaction this request acted on, for callbacks and interaction webhooks. */
  readonly interactionId?: string;
}

/** Every request in arrival order; appending one wakes `waitFor`. */
export class RequestLog {
  readonly #entries: RecordedRequest[] = [];
  #arrivals = 0;

  constructor(private readonly feed: ChangeFeed) {}

  /** Numbers a request when it arrives; entries are added when answered, which may be in another order. */
  nextSeq(): number {
    this.#arrivals += 1;
    return this.#arrivals;
  }

  add(entry: RecordedRequest): void {
    this.#entries.push(entry);
    this.feed.notify();
  }

  all(): readonly RecordedRequest[] {
    return [...this.#entries];
  }
}

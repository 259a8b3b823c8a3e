import { bucketHash } from './rate-limit-headers.js';

/** Makes the next `times` requests that match answer with an error instead of reaching the route. */
export interface FaultRule {
  /** HTTP method to match; any method when left out. */
  readonly method?: string;
  /**
   * The path after `/api/v10`. In a string, `:name` matches one path segment, so
   * `/webhooks/:app/:token/messages/@original` matches every original-response edit.
   */
  readonly path: string | RegExp;
  readonly status: 429 | 500 | 502 | 503 | 504;
  /** Defaults to 1. */
  readonly times?: number;
  /** For 429: what `retry_after` says, in seconds. Defaults to 0.25. */
  readonly retryAfterSeconds?: number;
  /** For 429: `user` (a route bucket), `shared` (a resource) or `global`. Defaults to `user`. */
  readonly scope?: 'user' | 'shared' | 'global';
}

export interface FaultResponse {
  readonly kind: 'rate-limit' | 'server-error';
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The body parsed, for the request log; undefined when it is not JSON. */
  readonly json: unknown;
}

interface ActiveRule {
  readonly rule: FaultRule;
  readonly pattern: RegExp;
  remaining: number;
}

function compilePath(path: string | RegExp): RegExp {
  if (path instanceof RegExp) return path;
  const escaped = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}$`);
}

function rateLimitResponse(rule: FaultRule, routeKey: string, nowMs: number): FaultResponse {
  const retryAfter = rule.retryAfterSeconds ?? 0.25;
  const scope = rule.scope ?? 'user';
  // Discord rounds the header up to whole seconds; the JSON keeps the fraction.
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'retry-after': String(Math.ceil(retryAfter)),
    'x-ratelimit-scope': scope,
  };
  if (scope === 'global') {
    headers['x-ratelimit-global'] = 'true';
  } else {
    Object.assign(headers, {
      'x-ratelimit-bucket': bucketHash(routeKey),
      'x-ratelimit-limit': '5',
      // A shared (per-resource) limit leaves the bot's own bucket untouched.
      'x-ratelimit-remaining': scope === 'shared' ? '4' : '0',
      'x-ratelimit-reset': ((nowMs + retryAfter * 1000) / 1000).toFixed(3),
      'x-ratelimit-reset-after': retryAfter.toFixed(3),
    });
  }
  const json = {
    message: scope === 'shared' ? 'The resource is being rate limited.' : 'You are being rate limited.',
    retry_after: retryAfter,
    global: scope === 'global',
  };
  return { kind: 'rate-limit', status: 429, headers, body: JSON.stringify(json), json };
}

function serverErrorResponse(status: number): FaultResponse {
  if (status === 500) {
    const json = { message: '500: Internal Server Error', code: 0 };
    const headers = { 'content-type': 'application/json' };
    return { kind: 'server-error', status, headers, body: JSON.stringify(json), json };
  }
  // 502-504 come from Discord's edge (Cloudflare), as HTML rather than Discord's JSON.
  const title = { 502: '502 Bad Gateway', 503: '503 Service Unavailable', 504: '504 Gateway Time-out' }[
    status as 502 | 503 | 504
  ];
  const body = [
    '<html>',
    `<head><title>${title}</title></head>`,
    '<body>',
    `<center><h1>${title}</h1></center>`,
    '<hr><center>cloudflare</center>',
    '</body>',
    '</html>',
    '',
  ].join('\r\n');
  return { kind: 'server-error', status, headers: { 'content-type': 'text/html' }, body, json: undefined };
}

/** Holds the `failNext` rules and hands out their responses in the order the rules were added. */
export class FaultInjector {
  readonly #rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    const times = rule.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`failNext: times must be a positive integer, got ${times}`);
    }
    this.#rules.push({ rule, pattern: compilePath(rule.path), remaining: times });
  }

  /** The fault for this request if a rule matches (using up one of its times), else undefined. */
  take(method: string, path: string, routeKey: string, nowMs: number): FaultResponse | undefined {
    const active = this.#rules.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.rule.method === undefined || candidate.rule.method.toUpperCase() === method) &&
        candidate.pattern.test(path),
    );
    if (!active) return undefined;
    active.remaining -= 1;
    const { rule } = active;
    return rule.status === 429 ? rateLimitResponse(rule, routeKey, nowMs) : serverErrorResponse(rule.status);
  }

  /** How many faults are still waiting to be served. */
  pending(): number {
    return this.#rules.reduce((sum, active) => sum + active.remaining, 0);
  }
}

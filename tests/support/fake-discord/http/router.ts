import type { RecordedFile } from './request-log.js';

/** `bot` routes need `Authorization: Bot <token>`; interaction and webhook routes carry their own token. */
export type RouteAuth = 'bot' | 'none';

/** What a route handler sees of a request. */
export interface RouteRequest {
  readonly method: string;
  /** Already percent-decoded, segment by segment. */
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string>>;
  readonly json: unknown;
  readonly files: readonly RecordedFile[];
}

export interface RouteResult {
  readonly status: number;
  /** Serialised as JSON; leave out for an empty body (204). */
  readonly body?: unknown;
}

export type RouteHandler = (request: RouteRequest) => RouteResult | Promise<RouteResult>;

export interface Route {
  readonly method: string;
  /** E.g. `/channels/:channel/messages`. */
  readonly template: string;
  readonly auth: RouteAuth;
  readonly handler: RouteHandler;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'wrong-method' }
  | { readonly kind: 'none' };

function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const expected = template.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const value = actual[index] ?? '';
    if (segment.startsWith(':')) {
      if (value === '') return undefined;
      params[segment.slice(1)] = value;
    } else if (segment !== value) {
      return undefined;
    }
  }
  return params;
}

/** Routes tried in the order they were added, so literal segments (`@original`) go first. */
export class Router {
  readonly #routes: Route[] = [];

  add(method: string, template: string, handler: RouteHandler, auth: RouteAuth = 'bot'): void {
    this.#routes.push({ method, template, handler, auth });
  }

  match(method: string, path: string): RouteMatch {
    let pathExists = false;
    for (const route of this.#routes) {
      const params = matchTemplate(route.template, path);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', route, params };
      pathExists = true;
    }
    return pathExists ? { kind: 'wrong-method' } : { kind: 'none' };
  }
}

import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { promisify } from 'node:util';
import { isLoopbackHost } from './loopback.js';

/** One connection or name lookup that the guard refused. */
export interface BlockedAttempt {
  readonly kind: 'connect' | 'dns';
  /** `host:port` for a connection, the name for a lookup. */
  readonly target: string;
  readonly error: NetworkGuardError;
}

/** Thrown (or passed to a DNS callback) instead of letting a packet leave the machine. */
export class NetworkGuardError extends Error {
  readonly code = 'ERR_NETWORK_GUARD';
  override readonly name = 'NetworkGuardError';

  constructor(
    readonly kind: BlockedAttempt['kind'],
    readonly target: string,
  ) {
    super(
      `Network guard refused ${kind === 'connect' ? 'a connection to' : 'a DNS lookup of'} ${target}: ` +
        'tests may only reach 127.0.0.0/8, ::1, localhost or unix sockets. ' +
        'Point the code under test at a fake listening on 127.0.0.1.',
    );
  }
}

interface GuardState {
  installed: boolean;
  blocked: BlockedAttempt[];
}

// Kept on globalThis because vitest may evaluate this module more than once in one process
// (one module graph per test file); patching twice would wrap the wrapper and lose the count.
const STATE_KEY = Symbol.for('nightmask.tests.networkGuard');

function guardState(): GuardState {
  const holder = globalThis as { [STATE_KEY]?: GuardState };
  holder[STATE_KEY] ??= { installed: false, blocked: [] };
  return holder[STATE_KEY];
}

function refuse(kind: BlockedAttempt['kind'], target: string): NetworkGuardError {
  const error = new NetworkGuardError(kind, target);
  guardState().blocked.push({ kind, target, error });
  return error;
}

/** The attempts refused since the last call, which are then forgotten. */
export function takeBlockedAttempts(): BlockedAttempt[] {
  const state = guardState();
  return state.blocked.splice(0, state.blocked.length);
}

type ConnectTarget = { kind: 'tcp'; host: string; port: string } | { kind: 'local' };

/**
 * Reads the host out of any form `Socket#connect` accepts: `(options)`, `(port, host?)`,
 * `(path)`, and the pre-normalised `[options, callback]` array that `net.connect` passes on.
 */
function connectTarget(args: readonly unknown[]): ConnectTarget {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];

  if (typeof first === 'object' && first !== null) {
    const options = first as { path?: unknown; fd?: unknown; host?: unknown; port?: unknown };
    if (typeof options.path === 'string' || typeof options.fd === 'number') return { kind: 'local' };
    const host = typeof options.host === 'string' && options.host !== '' ? options.host : 'localhost';
    return { kind: 'tcp', host, port: String(options.port) };
  }

  // A string that is not a number is a pipe path, as in net's own normalizeArgs.
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { kind: 'local' };
  const host = typeof args[1] === 'string' && args[1] !== '' ? args[1] : 'localhost';
  return { kind: 'tcp', host, port: String(first) };
}

function guardSocketConnect(): void {
  const original = net.Socket.prototype.connect;
  const guarded = function (this: net.Socket, ...args: unknown[]) {
    const target = connectTarget(args);
    // Throwing here, before the original runs, means no handle is created and no SYN is sent.
    if (target.kind === 'tcp' && !isLoopbackHost(target.host)) {
      throw refuse('connect', `${target.host}:${target.port}`);
    }
    return Reflect.apply(original, this, args) as net.Socket;
  };
  net.Socket.prototype.connect = guarded as typeof original;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

function patch(target: object, name: string, make: (original: AnyFunction) => AnyFunction): void {
  const holder = target as Record<string, unknown>;
  const original = holder[name];
  if (typeof original === 'function') holder[name] = make(original as AnyFunction);
}

/** `dns.lookup` asks getaddrinfo, which only needs the network for names other than localhost. */
function guardLookups(): void {
  patch(dns, 'lookup', (original) => {
    const guarded = function (this: unknown, hostname: unknown, ...rest: unknown[]) {
      if (typeof hostname === 'string' && !isLoopbackHost(hostname)) {
        const error = refuse('dns', hostname);
        const callback = rest.at(-1);
        if (typeof callback !== 'function') throw error;
        process.nextTick(callback as (error: Error) => void, error);
        return undefined;
      }
      return Reflect.apply(original, this, [hostname, ...rest]);
    };
    // Keeps util.promisify(dns.lookup) resolving to { address, family } like the original.
    Object.defineProperty(guarded, promisify.custom, { value: dns.promises.lookup });
    return guarded;
  });
  patch(
    dns.promises,
    'lookup',
    (original) =>
      async function (this: unknown, hostname: unknown, ...rest) {
        if (typeof hostname === 'string' && !isLoopbackHost(hostname)) throw refuse('dns', hostname);
        return Reflect.apply(original, this, [hostname, ...rest]);
      },
  );
}

const RESOLVER_METHODS = [
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'resolveCaa',
  'resolveCname',
  'resolveMx',
  'resolveNaptr',
  'resolveNs',
  'resolvePtr',
  'resolveSoa',
  'resolveSrv',
  'resolveTlsa',
  'resolveTxt',
  'reverse',
] as const;

/** The `resolve*` family always sends a UDP query to a name server, even for localhost. */
function guardResolvers(): void {
  const refuseByCallback = function (this: unknown, name: unknown, ...rest: unknown[]) {
    const error = refuse('dns', String(name));
    const callback = rest.at(-1);
    if (typeof callback !== 'function') throw error;
    process.nextTick(callback as (error: Error) => void, error);
    return undefined;
  };
  const refuseByPromise = async function (this: unknown, name: unknown) {
    throw refuse('dns', String(name));
  };

  for (const method of RESOLVER_METHODS) {
    // The module-level functions are bound copies made at load time, so the prototypes and the
    // modules need patching separately.
    patch(dns, method, () => refuseByCallback);
    patch(dns.Resolver.prototype, method, () => refuseByCallback);
    patch(dns.promises, method, () => refuseByPromise);
    patch(dns.promises.Resolver.prototype, method, () => refuseByPromise);
  }
}

/**
 * Makes every TCP/TLS connection to a non-loopback address throw a {@link NetworkGuardError}
 * before it starts, and fails DNS lookups of anything but localhost. Covers http, https, tls,
 * ws, undici and fetch, which all connect through `net.Socket#connect`. Safe to call twice.
 * Not covered: UDP sockets (dgram) and child processes, which start without this patch.
 */
export function installNetworkGuard(): void {
  const state = guardState();
  if (state.installed) return;

  guardSocketConnect();
  guardLookups();
  guardResolvers();

  // ESM `import { lookup } from 'node:dns'` reads a snapshot of the exports; refresh it.
  syncBuiltinESMExports();
  state.installed = true;
}

import dns from 'node:dns';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NetworkGuardError, takeBlockedAttempts } from './network/guard.js';
import { isLoopbackHost } from './network/loopback.js';

/** A server on 127.0.0.1 (or a unix socket) that answers every request with "ok". */
async function startLocalServer(listenOn: { host: string; port: 0 } | { path: string }) {
  const server = http.createServer((_request, response) => response.end('ok'));
  server.listen(listenOn);
  await once(server, 'listening');
  return server;
}

async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

function httpGet(url: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', reject);
  });
}

afterEach(() => {
  // Every test below claims its own refusals; anything left here would be a guard bug.
  expect(takeBlockedAttempts()).toEqual([]);
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.45.1.9', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['10.0.0.1', false],
    ['0.0.0.0', false],
    ['169.254.169.254', false],
    ['::ffff:10.0.0.1', false],
    ['discord.com', false],
    ['localhost.discord.com', false],
  ])('given %s, then it answers %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('network guard', () => {
  it('given a TCP connect to 10.0.0.1, then it throws before the socket starts connecting', () => {
    const socket = new net.Socket();

    expect(() => socket.connect(443, '10.0.0.1')).toThrow(NetworkGuardError);

    // `connecting` is the first thing the real connect sets; still false means it never ran,
    // so no handle was opened and no SYN sent.
    expect(socket.connecting).toBe(false);
    socket.destroy();
    expect(takeBlockedAttempts().map((attempt) => attempt.target)).toEqual(['10.0.0.1:443']);
  });

  it('given net.connect to discord.com, then neither the lookup nor the connection happens', () => {
    let lookups = 0;
    const lookup: net.LookupFunction = (_hostname, _options, callback) => {
      lookups += 1;
      callback(null, '127.0.0.1', 4);
    };

    expect(() => net.connect({ host: 'discord.com', port: 443, lookup })).toThrow(/discord\.com:443/);

    expect(lookups).toBe(0);
    expect(takeBlockedAttempts()).toHaveLength(1);
  });

  it('given tls, http, fetch or ws aimed at Discord, then each fails with the guard error', async () => {
    expect(() => tls.connect({ host: '162.159.135.232', port: 443 })).toThrow(NetworkGuardError);

    await expect(httpGet('http://discord.com/api/v10/gateway')).rejects.toBeInstanceOf(NetworkGuardError);

    const fetchError = await fetch('https://discord.com/api/v10/gateway').catch((error: unknown) => error);
    expect((fetchError as Error).cause).toBeInstanceOf(NetworkGuardError);

    // ws connects through ClientRequest, which turns the throw into an 'error' event.
    const socket = new WebSocket('wss://gateway.discord.gg/?v=10&encoding=json');
    const [wsError] = await once(socket, 'error');
    expect(wsError).toBeInstanceOf(NetworkGuardError);

    expect(takeBlockedAttempts().map((attempt) => attempt.target)).toEqual([
      '162.159.135.232:443',
      'discord.com:80',
      'discord.com:443',
      'gateway.discord.gg:443',
    ]);
  });

  it('given DNS lookups, then only localhost resolves and resolver queries are refused', async () => {
    const callbackError = await new Promise<Error | null>((resolve) => {
      dns.lookup('discord.com', (error) => resolve(error));
    });
    expect(callbackError).toBeInstanceOf(NetworkGuardError);
    await expect(dns.promises.lookup('cdn.discordapp.com')).rejects.toBeInstanceOf(NetworkGuardError);
    await expect(dns.promises.resolve4('localhost')).rejects.toBeInstanceOf(NetworkGuardError);
    await expect(new dns.promises.Resolver().resolveTxt('discord.com')).rejects.toBeInstanceOf(
      NetworkGuardError,
    );
    expect(takeBlockedAttempts()).toHaveLength(4);

    const local = await dns.promises.lookup('localhost');
    expect(isLoopbackHost(local.address)).toBe(true);
  });

  it('given a server on 127.0.0.1, then http, fetch and localhost still reach it', async () => {
    const server = await startLocalServer({ host: '127.0.0.1', port: 0 });
    const { port } = server.address() as net.AddressInfo;
    try {
      expect(await httpGet(`http://127.0.0.1:${port}/`)).toBe(200);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
      expect(await httpGet(`http://localhost:${port}/`)).toBe(200);
    } finally {
      await closeServer(server);
    }
  });

  it('given a unix socket, then a connection to it passes', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'guard-'));
    const socketPath = path.join(directory, 'server.sock');
    const server = await startLocalServer({ path: socketPath });
    try {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const request = http.get({ socketPath, path: '/' }, (response) => {
          response.resume();
          resolve(response.statusCode);
        });
        request.on('error', reject);
      });
      expect(status).toBe(200);
    } finally {
      await closeServer(server);
      await rm(directory, { recursive: true, force: true });
    }
  });
});

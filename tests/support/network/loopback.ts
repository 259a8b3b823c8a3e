import { BlockList, isIP } from 'node:net';

// Everything a test may reach: the IPv4 loopback block, the IPv6 loopback address and the
// IPv4-mapped form of the loopback block (what a dual-stack socket reports for 127.x).
const loopbackAddresses = new BlockList();
loopbackAddresses.addSubnet('127.0.0.0', 8, 'ipv4');
loopbackAddresses.addAddress('::1', 'ipv6');
loopbackAddresses.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** Host names that resolve to loopback without asking a name server (served from /etc/hosts). */
const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', 'localhost.']);

/**
 * Whether `host` (an IP literal, a bracketed IPv6 literal or a host name) can only mean this machine.
 * Names other than `localhost` are refused even when /etc/hosts would map them to 127.0.0.1: a
 * test that needs a name is a test that may one day resolve it through the network.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const family = isIP(bare);
  if (family === 4) return loopbackAddresses.check(bare, 'ipv4');
  if (family === 6) return loopbackAddresses.check(bare, 'ipv6');
  return LOOPBACK_NAMES.has(bare.toLowerCase());
}

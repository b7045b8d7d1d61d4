import { isIP } from 'node:net';

/**
 * The client address of a request. With `trustedProxyHops` = 0 it is the socket peer. With N > 0
 * proxies in front, each appending the address it received from, the client is the N-th entry from
 * the right of X-Forwarded-For (the entries left of it are whatever the client chose to send and
 * are never trusted). A header with fewer entries than hops, or a malformed entry, falls back to
 * the socket address, which the client cannot forge.
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedProxyHops: number): string {
  const socket = normalize(socketAddress ?? 'unknown');
  if (trustedProxyHops === 0 || forwardedFor === undefined) return socket;
  // Several X-Forwarded-For headers are one list, in order.
  const joined = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  if (joined.length > 4096) return socket;
  const entries = joined.split(',').map((entry) => entry.trim());
  if (entries.length < trustedProxyHops) return socket;
  const candidate = normalize(entries[entries.length - trustedProxyHops]!);
  return isIP(candidate) === 0 ? socket : candidate;
}

function normalize(address: string): string {
  // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d; count it as a.b.c.d.
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

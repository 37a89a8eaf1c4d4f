import { isIP } from 'node:net';

/**
 * The client's address: the socket's peer, or, behind `trustHops` proxies the operator runs, the
 * address the outermost trusted proxy saw, read from the right of X-Forwarded-For. Entries a client
 * wrote itself sit further left and are never believed. IPv4-mapped IPv6 ("::ffff:1.2.3.4") is
 * written as IPv4. Null when no valid address is known.
 */
export function clientIp(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustHops: number,
): string | null {
  const peer = normalise(socketAddress);
  if (trustHops <= 0 || forwardedFor === undefined) return peer;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const chain = header
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (peer !== null) chain.push(peer);
  // chain[last] is the socket; each trusted hop appended the address it saw.
  const index = Math.max(0, chain.length - 1 - trustHops);
  return normalise(chain[index]) ?? peer;
}

export function normalise(address: string | undefined): string | null {
  if (address === undefined) return null;
  let a = address.trim();
  // "[2001:db8::1]:443" and "203.0.113.7:51234", as some proxies write them.
  if (a.startsWith('[')) {
    const close = a.indexOf(']');
    a = close > 0 ? a.slice(1, close) : a;
  } else if (a.indexOf(':') === a.lastIndexOf(':') && a.includes('.') && a.includes(':')) {
    a = a.slice(0, a.indexOf(':'));
  }
  const zone = a.indexOf('%');
  if (zone > 0) a = a.slice(0, zone);
  if (a.toLowerCase().startsWith('::ffff:') && isIP(a.slice(7)) === 4) a = a.slice(7);
  return isIP(a) ? a : null;
}

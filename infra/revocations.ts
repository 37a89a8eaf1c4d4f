import { BlockList, isIP } from 'node:net';
import {
  parseRevocationKey,
  Revocation,
  type RevocationSubject,
  revocationKey,
} from '../schemas/revocation.js';
import { decodeJson } from '../schemas/validate.js';
import type { OutgoingMessage } from './bus/index.js';
import type { Clock } from './clock.js';

/** The record that revokes a subject, or (value null) the tombstone that reinstates it. */
export function revocationMessage(revocation: Revocation): OutgoingMessage {
  return { key: revocationKey(revocation.subject), value: JSON.stringify(Revocation.parse(revocation)) };
}

export function reinstatementMessage(subject: RevocationSubject): OutgoingMessage {
  return { key: revocationKey(subject), value: null };
}

export type Verdict = { revoked: false } | { revoked: true; revocation: Revocation };

const NOT_REVOKED: Verdict = { revoked: false };

interface Range {
  revocation: Revocation;
  list: BlockList;
}

/**
 * Everything currently revoked, built from the compacted revocations topic. Lookups are per request
 * on every gateway, so keys and single addresses are hash lookups; only CIDR ranges are scanned.
 * Expired entries stop applying at their expiry even before the tombstone arrives.
 */
export class RevocationSet {
  private readonly keys = new Map<string, Revocation>();
  private readonly ips = new Map<string, Revocation>();
  private readonly ranges = new Map<string, Range>();

  constructor(private readonly clock: Clock) {}

  /** Applies one record of the topic; returns false for a record that is not a valid revocation. */
  apply(message: { key: string | null; value: Buffer | string | null }): boolean {
    const subject = message.key === null ? null : parseRevocationKey(message.key);
    if (!subject) return false;
    if (message.value === null) {
      this.remove(subject);
      return true;
    }
    const decoded = decodeJson(Revocation, message.value);
    if (!decoded.ok || revocationKey(decoded.value.subject) !== message.key) return false;
    this.add(decoded.value);
    return true;
  }

  add(revocation: Revocation): void {
    const { subject } = revocation;
    if (subject.kind === 'key') this.keys.set(subject.id, revocation);
    else if (subject.id.includes('/'))
      this.ranges.set(subject.id, { revocation, list: blockListFor(subject.id) });
    else this.ips.set(normalizeIp(subject.id), revocation);
  }

  remove(subject: RevocationSubject): void {
    if (subject.kind === 'key') this.keys.delete(subject.id);
    else if (subject.id.includes('/')) this.ranges.delete(subject.id);
    else this.ips.delete(normalizeIp(subject.id));
  }

  checkKey(keyId: string): Verdict {
    return this.live(this.keys.get(keyId));
  }

  checkIp(ip: string): Verdict {
    const exact = this.live(this.ips.get(normalizeIp(ip)));
    if (exact.revoked || this.ranges.size === 0) return exact;
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    for (const range of this.ranges.values()) {
      if (range.list.check(ip, family)) {
        const verdict = this.live(range.revocation);
        if (verdict.revoked) return verdict;
      }
    }
    return NOT_REVOKED;
  }

  /** Revocations in force now (expired ones excluded). */
  active(): Revocation[] {
    return [
      ...this.keys.values(),
      ...this.ips.values(),
      ...[...this.ranges.values()].map((r) => r.revocation),
    ].filter((r) => this.live(r).revoked);
  }

  get size(): number {
    return this.keys.size + this.ips.size + this.ranges.size;
  }

  private live(revocation: Revocation | undefined): Verdict {
    if (!revocation) return NOT_REVOKED;
    if (revocation.expiresAt !== null && Date.parse(revocation.expiresAt) <= this.clock.now())
      return NOT_REVOKED;
    return { revoked: true, revocation };
  }
}

function blockListFor(cidr: string): BlockList {
  const [address, prefix] = cidr.split('/') as [string, string];
  const list = new BlockList();
  list.addSubnet(address, Number(prefix), isIP(address) === 6 ? 'ipv6' : 'ipv4');
  return list;
}

/** One spelling per address, so "2001:DB8::1" and "2001:db8:0::1" are the same entry. */
function normalizeIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip.toLowerCase();
  }
}

import { BlockList, isIP } from 'node:net';
import type { Subject } from '../schemas/common.js';
import type { Policy } from './policy/schema.js';

export interface AllowMatch {
  kind: 'key' | 'ip';
  entry: string;
  note: string | null;
}

/** Subjects that are never revoked; entries stop applying at their expiry. */
export class Allowlist {
  private readonly ranges: { list: BlockList; entry: Policy['allowlist']['ips'][number] }[];

  constructor(private readonly allow: Policy['allowlist']) {
    this.ranges = allow.ips.map((entry) => ({ list: blockListFor(entry.range), entry }));
  }

  match(subject: Subject, nowMs: number): AllowMatch | null {
    const live = (expiresAt: string | null) => expiresAt === null || Date.parse(expiresAt) > nowMs;
    if (subject.kind === 'key') {
      const hit = this.allow.keys.find((k) => k.id === subject.id && live(k.expiresAt));
      return hit ? { kind: 'key', entry: hit.id, note: hit.note ?? null } : null;
    }
    const family = isIP(subject.id);
    if (family === 0) return null;
    const hit = this.ranges.find(
      (r) => live(r.entry.expiresAt) && r.list.check(subject.id, family === 6 ? 'ipv6' : 'ipv4'),
    );
    return hit ? { kind: 'ip', entry: hit.entry.range, note: hit.entry.note ?? null } : null;
  }
}

function blockListFor(range: string): BlockList {
  const list = new BlockList();
  const [address, prefix] = range.split('/') as [string, string | undefined];
  const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (prefix === undefined) list.addAddress(address, type);
  else list.addSubnet(address, Number(prefix), type);
  return list;
}

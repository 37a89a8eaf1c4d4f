import { describe, expect, it } from 'vitest';
import type { Revocation } from '../schemas/revocation.js';
import { ManualClock } from './clock.js';
import { RevocationSet, reinstatementMessage, revocationMessage } from './revocations.js';

const KEY = '0123456789abcdef0123456789abcdef';

function revocation(subject: Revocation['subject'], expiresAt: string | null = null): Revocation {
  return {
    schema: 'gatehound.revocation.v1',
    subject,
    reason: 'test',
    incidentId: null,
    actor: 'policy:test',
    createdAt: '2026-11-30T12:00:00Z',
    expiresAt,
  };
}

describe('RevocationSet', () => {
  const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));

  it('revokes a key from its topic record and reinstates it on the tombstone', () => {
    const set = new RevocationSet(clock);
    expect(set.apply(revocationMessage(revocation({ kind: 'key', id: KEY })))).toBe(true);
    expect(set.checkKey(KEY).revoked).toBe(true);
    expect(set.checkKey('f'.repeat(32)).revoked).toBe(false);
    expect(set.apply(reinstatementMessage({ kind: 'key', id: KEY }))).toBe(true);
    expect(set.checkKey(KEY).revoked).toBe(false);
  });

  it('stops applying an entry at its expiry, before any tombstone', () => {
    const set = new RevocationSet(clock);
    set.add(revocation({ kind: 'key', id: KEY }, '2026-11-30T13:00:00Z'));
    clock.set('2026-11-30T12:59:59.999Z');
    expect(set.checkKey(KEY).revoked).toBe(true);
    clock.set('2026-11-30T13:00:00Z');
    expect(set.checkKey(KEY).revoked).toBe(false);
    expect(set.active()).toEqual([]);
    clock.set('2026-11-30T12:00:00Z');
  });

  it('blocks single addresses and CIDR ranges, IPv4 and IPv6, whatever the spelling', () => {
    const set = new RevocationSet(clock);
    set.add(revocation({ kind: 'ip', id: '203.0.113.7' }));
    set.add(revocation({ kind: 'ip', id: '198.51.100.0/24' }));
    set.add(revocation({ kind: 'ip', id: '2001:db8::/32' }));
    set.add(revocation({ kind: 'ip', id: '2001:DB8:0:0::1' }));
    expect(set.checkIp('203.0.113.7').revoked).toBe(true);
    expect(set.checkIp('203.0.113.8').revoked).toBe(false);
    expect(set.checkIp('198.51.100.250').revoked).toBe(true);
    expect(set.checkIp('198.51.101.1').revoked).toBe(false);
    expect(set.checkIp('2001:db8:ffff::9').revoked).toBe(true);
    expect(set.checkIp('2001:db9::1').revoked).toBe(false);
    expect(set.size).toBe(4);
    set.remove({ kind: 'ip', id: '198.51.100.0/24' });
    expect(set.checkIp('198.51.100.250').revoked).toBe(false);
  });

  it('ignores records that are not revocations, or whose key does not match their subject', () => {
    const set = new RevocationSet(clock);
    expect(set.apply({ key: 'key:zz', value: Buffer.from('{}') })).toBe(false);
    expect(set.apply({ key: `key:${KEY}`, value: Buffer.from('not json') })).toBe(false);
    const other = revocationMessage(revocation({ kind: 'key', id: 'a'.repeat(32) }));
    expect(set.apply({ key: `key:${KEY}`, value: Buffer.from(String(other.value)) })).toBe(false);
    expect(set.size).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { parseRevocationKey, Revocation, revocationKey } from './revocation.js';

describe('Revocation', () => {
  it('keys records as key:<keyId> and ip:<address or CIDR>, and reads them back', () => {
    const key = { kind: 'key', id: '0123456789abcdef0123456789abcdef' } as const;
    const range = { kind: 'ip', id: '198.51.100.0/24' } as const;
    expect(revocationKey(key)).toBe('key:0123456789abcdef0123456789abcdef');
    expect(revocationKey(range)).toBe('ip:198.51.100.0/24');
    expect(parseRevocationKey(revocationKey(key))).toEqual(key);
    expect(parseRevocationKey('ip:2001:db8::/32')).toEqual({ kind: 'ip', id: '2001:db8::/32' });
  });

  it('rejects keys that are not ours', () => {
    for (const k of ['user:1', 'key:not-hex', 'ip:300.1.1.1', 'nocolon', ''])
      expect(parseRevocationKey(k)).toBeNull();
  });

  it('validates a record with an expiry', () => {
    const r = {
      schema: 'gatehound.revocation.v1',
      subject: { kind: 'ip', id: '203.0.113.7' },
      reason: 'probing',
      incidentId: 'inc-1',
      actor: 'policy:block-probing-ip',
      createdAt: '2026-11-30T12:00:00Z',
      expiresAt: '2026-11-30T12:15:00Z',
    };
    expect(Revocation.parse(r)).toEqual(r);
    expect(Revocation.safeParse({ ...r, subject: { kind: 'key', id: '203.0.113.7' } }).success).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { RevocationRequest, toRevocation } from './revocation-request.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const KEY = 'feedfacefeedfacefeedfacefeedface';
const make = (body: unknown) => toRevocation(RevocationRequest.parse(body), 'api:oncall', NOW);

describe('revocation requests', () => {
  it.each([
    ['30s', '2026-12-01T12:00:30.000Z'],
    ['15m', '2026-12-01T12:15:00.000Z'],
    ['2h', '2026-12-01T14:00:00.000Z'],
    ['7d', '2026-12-08T12:00:00.000Z'],
  ])('turns ttl %s into an expiry from now', (ttl, expiresAt) => {
    expect(make({ keyId: KEY, reason: 'r', ttl }).expiresAt).toBe(expiresAt);
  });

  it('never expires without expiresAt or ttl, and names the actor and the incident', () => {
    expect(make({ ip: '203.0.113.0/24', reason: 'r', incidentId: 'inc-1' })).toEqual({
      schema: 'gatehound.revocation.v1',
      subject: { kind: 'ip', id: '203.0.113.0/24' },
      reason: 'r',
      incidentId: 'inc-1',
      actor: 'api:oncall',
      createdAt: '2026-12-01T12:00:00.000Z',
      expiresAt: null,
    });
  });

  it('refuses an expiry that is not in the future', () => {
    expect(() => make({ keyId: KEY, reason: 'r', expiresAt: '2026-12-01T12:00:00Z' })).toThrow(
      expect.objectContaining({ status: 400, fields: [expect.objectContaining({ field: 'expiresAt' })] }),
    );
  });

  it.each<[object, string]>([
    [{ keyId: KEY, ip: '10.0.0.1', reason: 'r' }, 'both a key and an address'],
    [{ keyId: KEY, reason: 'r', ttl: '1h', expiresAt: '2027-01-01T00:00:00Z' }, 'both ttl and expiresAt'],
    [{ keyId: KEY, reason: 'r', ttl: '0h' }, 'a zero ttl'],
    [{ keyId: KEY, reason: 'r', ttl: '10000d' }, 'a ttl beyond 9999 units'],
    [{ keyId: KEY, reason: '' }, 'an empty reason'],
  ])('rejects %j (%s)', (body) => {
    expect(RevocationRequest.safeParse(body).success).toBe(false);
  });
});

import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyIdentifier, keyId, rawKeyFrom } from './key-id.js';

const SECRET = 'test-key-id-secret-0123456789';

describe('key identity', () => {
  it('is the first 32 hex characters of HMAC-SHA256(secret, rawKey), as operators compute it', () => {
    const expected = createHmac('sha256', SECRET).update('sk-test-123').digest('hex').slice(0, 32);
    expect(keyId(SECRET, 'sk-test-123')).toBe(expected);
    expect(keyId(SECRET, 'sk-test-123')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads Authorization: Bearer first, then x-api-key, then api-key', () => {
    expect(rawKeyFrom({ authorization: 'Bearer a', 'x-api-key': 'b', 'api-key': 'c' })).toBe('a');
    expect(rawKeyFrom({ authorization: 'bearer   a  ' })).toBe('a');
    expect(rawKeyFrom({ 'x-api-key': 'b', 'api-key': 'c' })).toBe('b');
    expect(rawKeyFrom({ 'api-key': ' c ' })).toBe('c');
    expect(rawKeyFrom({ authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': 'b' })).toBe('b');
    expect(rawKeyFrom({ authorization: 'Bearer ' })).toBeNull();
    expect(rawKeyFrom({ authorization: 'Bearerx' })).toBeNull();
    expect(rawKeyFrom({})).toBeNull();
  });

  it('gives the identity only, with the SHA-256 reference when configured', () => {
    const headers = { authorization: 'Bearer sk-live-abc' };
    expect(new KeyIdentifier(SECRET).identify(headers)).toEqual({ id: keyId(SECRET, 'sk-live-abc') });
    expect(new KeyIdentifier(SECRET, 'sha256').identify(headers)).toEqual({
      id: keyId(SECRET, 'sk-live-abc'),
      ref: createHash('sha256').update('sk-live-abc').digest('hex'),
    });
    expect(new KeyIdentifier(SECRET).identify({})).toBeNull();
    expect(JSON.stringify(new KeyIdentifier(SECRET, 'sha256').identify(headers))).not.toContain(
      'sk-live-abc',
    );
  });

  it('reads logged header values: "Bearer …", a bare key, or nothing', () => {
    const k = new KeyIdentifier(SECRET);
    expect(k.identifyValue('Bearer sk-1')).toEqual({ id: keyId(SECRET, 'sk-1') });
    expect(k.identifyValue('sk-1')).toEqual({ id: keyId(SECRET, 'sk-1') });
    expect(k.identifyValue('-')).toBeNull();
    expect(k.identifyValue('')).toBeNull();
    expect(k.identifyValue(null)).toBeNull();
  });
});

import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { secretKeys, signedHeaders } from './signing.js';

// The test vector published with the Standard Webhooks specification (and svix's libraries).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const OLD = 'whsec_c2VjcmV0LWJlZm9yZS1yb3RhdGlvbi0xMjM0NTY=';

describe('Standard Webhooks signing', () => {
  it('matches the specification’s test vector', () => {
    const h = signedHeaders(secretKeys(VECTOR.secret), VECTOR.id, VECTOR.timestamp, VECTOR.body);
    expect(h).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    });
  });

  it('agrees with the reference library’s signer', () => {
    const ref = new Webhook(VECTOR.secret).sign(VECTOR.id, new Date(VECTOR.timestamp * 1000), VECTOR.body);
    expect(
      signedHeaders(secretKeys(VECTOR.secret), VECTOR.id, VECTOR.timestamp, VECTOR.body)['webhook-signature'],
    ).toBe(ref);
  });

  it('signs with every secret during a rotation, so receivers with either one verify', () => {
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'incident.opened' });
    const h = signedHeaders(secretKeys(`${VECTOR.secret} ${OLD}`), 'msg_1', now, body);
    expect(h['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(VECTOR.secret).verify(body, h)).toEqual({ type: 'incident.opened' });
    expect(new Webhook(OLD).verify(body, h)).toEqual({ type: 'incident.opened' });
    expect(() => new Webhook('whsec_bm90LXRoZS1zZWNyZXQtYXQtYWxsLTEyMzQ=').verify(body, h)).toThrow();
    expect(() => new Webhook(VECTOR.secret).verify(`${body} `, h)).toThrow();
  });
});

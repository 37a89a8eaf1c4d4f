import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../demo/index.js';
import type { Revocation } from '../../../schemas/revocation.js';
import { DeliveryError } from '../../delivery/retry.js';
import { createAdapter, type UpstreamCall } from './index.js';

const KEY = '0123456789abcdef0123456789abcdef';
const REF = 'a'.repeat(64);
const revocation: Revocation = {
  schema: 'gatehound.revocation.v1',
  subject: { kind: 'key', id: KEY },
  reason: 'critical auth_failure_burst: "quoted" & <tagged>',
  incidentId: 'inc-1',
  actor: 'policy:revoke-critical-keys',
  createdAt: '2026-11-30T12:00:00.000Z',
  expiresAt: '2026-11-30T13:00:00.000Z',
};
const call = (overrides: Partial<UpstreamCall> = {}): UpstreamCall => ({
  id: 'inc-1.revoke.x',
  op: 'revoke',
  revocation,
  keyRef: REF,
  ...overrides,
});
const signal = new AbortController().signal;

let receiver: Receiver;
afterEach(() => receiver?.close());

describe('revocation adapters', () => {
  it('LiteLLM: POST /key/block with the key’s SHA-256 and the master key; /key/unblock to reinstate', async () => {
    receiver = await startReceiver();
    const base = receiver.url.replace('/hook', '');
    const adapter = createAdapter({ kind: 'litellm', name: 'litellm', url: `${base}/`, token: 'sk-master' });
    await adapter.send(call(), signal);
    await adapter.send(call({ op: 'reinstate' }), signal);
    expect(receiver.received.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/key/block', JSON.stringify({ key: REF })],
      ['POST', '/key/unblock', JSON.stringify({ key: REF })],
    ]);
    expect(receiver.received[0]!.headers.authorization).toBe('Bearer sk-master');
  });

  it('LiteLLM without key.ref fails for good, saying what to configure', async () => {
    const adapter = createAdapter({
      kind: 'litellm',
      name: 'litellm',
      url: 'http://127.0.0.1:9',
      token: 't',
    });
    const err = await adapter.send(call({ keyRef: null }), signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ retryable: false, message: expect.stringContaining('key.ref') });
  });

  it('Kong: deletes the key-auth credential named by key.ref', async () => {
    receiver = await startReceiver(204);
    const base = receiver.url.replace('/hook', '');
    const adapter = createAdapter({ kind: 'kong', name: 'kong', url: base, token: 'admin' });
    await adapter.send(call({ keyRef: 'cred/1' }), signal);
    await adapter.send(call({ op: 'reinstate', keyRef: 'cred/1' }), signal); // not possible in Kong: no call
    expect(receiver.received.map((r) => [r.method, r.path])).toEqual([['DELETE', '/key-auths/cred%2F1']]);
    expect(receiver.received[0]!.headers['kong-admin-token']).toBe('admin');
  });

  it('generic HTTP: fills templates, escaping each value for the URL or the JSON body', async () => {
    receiver = await startReceiver();
    const adapter = createAdapter({
      kind: 'generic-http',
      name: 'gw',
      method: 'PUT',
      url: `${receiver.url}/{{keyId}}?incident={{incidentId}}&r={{reason}}`,
      body: '{"blocked":"{{subject}}","why":"{{reason}}","until":"{{expiresAt}}","ref":"{{unknown}}"}',
      headers: { 'x-admin': 'yes' },
    });
    await adapter.send(call(), signal);
    const [req] = receiver.received;
    expect(req!.method).toBe('PUT');
    expect(req!.path).toBe(`/hook/${KEY}?incident=inc-1&r=${encodeURIComponent(revocation.reason)}`);
    expect(JSON.parse(req!.body)).toEqual({
      blocked: `key:${KEY}`,
      why: revocation.reason,
      until: revocation.expiresAt,
      ref: '',
    });
    expect(req!.headers['x-admin']).toBe('yes');
  });

  it('reports a 5xx as retryable and a 4xx as final, naming the adapter only', async () => {
    receiver = await startReceiver(503);
    const base = receiver.url.replace('/hook', '');
    const adapter = createAdapter({ kind: 'litellm', name: 'litellm', url: base, token: 'sk-master' });
    await expect(adapter.send(call(), signal)).rejects.toMatchObject({
      retryable: true,
      message: 'litellm answered HTTP 503',
    });
    receiver.answer = 401;
    await expect(adapter.send(call(), signal)).rejects.toMatchObject({ retryable: false, status: 401 });
  });
});

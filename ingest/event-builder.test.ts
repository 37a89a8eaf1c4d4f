import { describe, expect, it } from 'vitest';
import { RequestEvent } from '../schemas/request-event.js';
import { buildEvent, type RequestRecord, splitTarget } from './event-builder.js';

const base: RequestRecord = {
  start: Date.parse('2026-11-30T12:00:00Z'),
  durationMs: 12.3456,
  clientIp: '203.0.113.7',
  userAgent: 'OpenAI/Python 1.40.0',
  key: { id: '0123456789abcdef0123456789abcdef' },
  method: 'POST',
  target: '/v1/chat/completions',
  status: 200,
  requestBytes: 120,
  responseBytes: 512,
  ai: { model: 'gpt-4o-mini', inputTokens: 10, outputTokens: 20, stream: false },
  prompt: null,
  outcome: 'forwarded',
  gatewayId: 'gw-1',
};

describe('event builder', () => {
  it('builds a valid RequestEvent v1', () => {
    const r = buildEvent({ ...base, id: 'evt-1' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(RequestEvent.parse(r.event)).toEqual(r.event);
    expect(r.event).toMatchObject({
      id: 'evt-1',
      ts: '2026-11-30T12:00:00.000Z',
      durationMs: 12.346,
      http: { method: 'POST', path: '/v1/chat/completions', query: null, status: 200 },
      gateway: { id: 'gw-1', outcome: 'forwarded' },
    });
  });

  it('redacts secrets and personal data in the path, the query and the user agent', () => {
    const r = buildEvent({
      ...base,
      target:
        '/v1/users/jane%40example.com/keys?key=AIzaSyA1234567890abcdefghijklmnopqrstuv&limit=5&to=a@b.co',
      userAgent: 'curl/8 (ops a@example.com)',
    });
    expect(r.ok && r.event.http).toMatchObject({
      path: '/v1/users/[EMAIL]/keys',
      query: 'key=[REDACTED]&limit=5&to=[EMAIL]',
    });
    expect(r.ok && r.event.client.userAgent).toBe('curl/8 (ops [EMAIL])');
  });

  it('normalises what clients and logs send: methods, absolute targets, unknown addresses, bad numbers', () => {
    const r = buildEvent({
      ...base,
      method: 'm-search',
      target: 'http://example.com/a?b=1',
      clientIp: 'not-an-ip',
      requestBytes: Number.NaN,
      ai: { model: 'm'.repeat(300), inputTokens: -1, outputTokens: 2.7, stream: true },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event.http).toMatchObject({ method: 'MSEARCH', path: '/a', query: 'b=1', requestBytes: 0 });
    expect(r.event.client.ip).toBe('0.0.0.0');
    expect(r.event.ai).toEqual({ model: 'm'.repeat(256), inputTokens: null, outputTokens: 2, stream: true });
  });

  it('refuses an event that still fails the contract, with the reason', () => {
    const r = buildEvent({ ...base, status: 999 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/^http\.status: /);
  });

  it('splits request targets', () => {
    expect(splitTarget('/a?b=c#d')).toEqual({ path: '/a', query: 'b=c' });
    expect(splitTarget('*')).toEqual({ path: '/*', query: null });
    expect(splitTarget('/?x')).toEqual({ path: '/', query: 'x' });
  });
});

import type { RequestEvent } from '../../schemas/request-event.js';

/** A valid RequestEvent v1, as in the design; tests override what they are about. */
export function requestEvent(overrides: Partial<RequestEvent> = {}): RequestEvent {
  return {
    schema: 'gatehound.request.v1',
    id: 'evt-1',
    ts: '2026-11-30T12:00:00.000Z',
    durationMs: 812,
    client: { ip: '203.0.113.7', userAgent: 'python-requests/2.31' },
    key: { id: '0123456789abcdef0123456789abcdef' },
    http: {
      method: 'POST',
      path: '/v1/chat/completions',
      query: null,
      status: 200,
      requestBytes: 1234,
      responseBytes: 5678,
    },
    ai: { model: 'gpt-4o-mini', inputTokens: 120, outputTokens: 300, stream: false },
    prompt: { text: 'Hello [EMAIL]', chars: 5120, truncated: true, redactions: { email: 1, secret: 0 } },
    gateway: { id: 'gw-1', outcome: 'forwarded' },
    ...overrides,
  };
}

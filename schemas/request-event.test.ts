import { describe, expect, it } from 'vitest';
import { requestEvent } from '../test/helpers/events.js';
import { RequestEvent } from './request-event.js';
import { decodeJson } from './validate.js';

const validEvent = requestEvent();

describe('RequestEvent v1', () => {
  it('accepts the event of the design', () => {
    expect(RequestEvent.parse(validEvent)).toEqual(validEvent);
  });

  it('accepts an anonymous request without AI fields or prompt, from IPv6', () => {
    const e = {
      ...validEvent,
      key: null,
      ai: null,
      prompt: null,
      client: { ip: '2001:db8::1', userAgent: null },
    };
    expect(RequestEvent.safeParse(e).success).toBe(true);
  });

  const invalid: [string, unknown, string][] = [
    ['a string status', { ...validEvent, http: { ...validEvent.http, status: '200' } }, 'http.status'],
    ['a key id that is not 32 hex', { ...validEvent, key: { id: 'sk-live-raw-key' } }, 'key.id'],
    ['a time without offset', { ...validEvent, ts: '2026-11-30 12:00' }, 'ts'],
    ['an unknown outcome', { ...validEvent, gateway: { id: 'gw', outcome: 'allowed' } }, 'gateway.outcome'],
    ['an unknown field', { ...validEvent, extra: 1 }, '(root)'],
    [
      'an address that is no address',
      { ...validEvent, client: { ip: '999.1.1.1', userAgent: null } },
      'client.ip',
    ],
    ['another schema version', { ...validEvent, schema: 'gatehound.request.v2' }, 'schema'],
    ['a relative path', { ...validEvent, http: { ...validEvent.http, path: 'v1/chat' } }, 'http.path'],
  ];
  for (const [what, event, field] of invalid) {
    it(`rejects ${what}, naming ${field}`, () => {
      const res = decodeJson(RequestEvent, JSON.stringify(event));
      expect(res.ok).toBe(false);
      if (!res.ok) {
        expect(res.code).toBe('EVENT_INVALID');
        expect(res.reason.startsWith(`${field}:`) || res.reason.includes(`; ${field}:`)).toBe(true);
      }
    });
  }

  it('names unparsable bytes as such, and never throws', () => {
    for (const raw of ['{', '', 'null', '\u0000\uffff', Buffer.from([0xff, 0xfe, 0x00])]) {
      const res = decodeJson(RequestEvent, raw);
      expect(res.ok).toBe(false);
    }
    expect(decodeJson(RequestEvent, '{').ok === false && decodeJson(RequestEvent, '{')).toMatchObject({
      code: 'EVENT_UNPARSABLE',
    });
  });
});

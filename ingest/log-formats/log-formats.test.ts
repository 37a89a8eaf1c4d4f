import { describe, expect, it } from 'vitest';
import { RequestEvent } from '../../schemas/request-event.js';
import { requestEvent } from '../../test/helpers/events.js';
import { KeyIdentifier, keyId } from '../key-id.js';
import { compileLogFormat, logFormat, scanLine } from './index.js';
import type { LineContext } from './types.js';

const SECRET = 'replay-unit-secret-0123456789';
const ctx = (line = 1): LineContext => ({
  keys: new KeyIdentifier(SECRET),
  gatewayId: 'replay-test',
  prompt: { mode: 'redacted', maxChars: 4096 },
  sourceId: 'rtest',
  line,
  trustProxy: 0,
});

function one(format: ReturnType<typeof logFormat>, line: string) {
  const r = format.parse(line, ctx(7));
  expect(r).toHaveLength(1);
  return r[0]!;
}

describe('nginx', () => {
  const nginx = logFormat('nginx');
  const line =
    '203.0.113.7 - - [10/Oct/2026:13:55:36 -0700] "POST /v1/chat/completions?key=AIzaSyA1234567890abcdefghijklmnopqrstuv HTTP/1.1" 200 2326 "-" "OpenAI/Python 1.40.0"';

  it('reads the combined format, keeping the time offset; no key is logged, so the key is null', () => {
    const r = one(nginx, line);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(RequestEvent.parse(r.event)).toEqual(r.event);
    expect(r.event).toMatchObject({
      id: 'rtest-7',
      ts: '2026-10-10T13:55:36.000-07:00',
      client: { ip: '203.0.113.7', userAgent: 'OpenAI/Python 1.40.0' },
      key: null,
      http: {
        method: 'POST',
        path: '/v1/chat/completions',
        query: 'key=[REDACTED]',
        status: 200,
        responseBytes: 2326,
      },
      gateway: { id: 'replay-test', outcome: 'forwarded' },
    });
  });

  it('reads a custom log_format with the request time (the start is taken back) and a logged key', () => {
    const custom = logFormat('nginx', {
      logFormat:
        '$remote_addr [$time_iso8601] "$request" $status $body_bytes_sent $request_time "$http_authorization"',
    });
    const r = one(
      custom,
      '198.51.100.4 [2026-11-30T12:00:01+01:00] "GET /v1/models HTTP/1.1" 401 90 1.250 "Bearer sk-logged-key"',
    );
    expect(r.ok && r.event).toMatchObject({
      ts: '2026-11-30T11:59:59.750+01:00',
      durationMs: 1250,
      key: { id: keyId(SECRET, 'sk-logged-key') },
      http: { method: 'GET', path: '/v1/models', status: 401 },
    });
    expect(JSON.stringify(r)).not.toContain('sk-logged-key');
  });

  it('reads JSON log lines by the variables their keys name', () => {
    const r = one(
      nginx,
      JSON.stringify({
        time: '2026-11-30T12:00:00+00:00',
        remote_addr: '2001:db8::7',
        request_method: 'POST',
        request_uri: '/v1/embeddings',
        status: 200,
        body_bytes_sent: 10,
        request_time: '0.004',
        http_user_agent: 'curl/8',
        http_x_api_key: 'sk-json-key',
      }),
    );
    expect(r.ok && r.event).toMatchObject({
      client: { ip: '2001:db8::7' },
      key: { id: keyId(SECRET, 'sk-json-key') },
      http: { method: 'POST', path: '/v1/embeddings', status: 200 },
      durationMs: 4,
    });
  });

  it('rejects malformed lines with a reason', () => {
    const bad = [
      ['garbage', /not in the log format/],
      ['203.0.113.7 - - [bad time] "GET / HTTP/1.1" 200 1 "-" "-"', /no readable time/],
      ['203.0.113.7 - - [10/Oct/2026:13:55:36 -0700] "GET / HTTP/1.1" abc 1 "-" "-"', /status/],
      ['not-an-ip - - [10/Oct/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "-"', /client\.ip/],
      ['{"time": 1', /not valid JSON/],
    ] as const;
    for (const [text, reason] of bad) {
      const r = one(nginx, text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    }
  });

  it('scans formats without backtracking and refuses ambiguous ones', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: nginx's own ${name} syntax
    const segs = compileLogFormat('$a "$b" ${c}x');
    expect(scanLine(segs, '1 "two words" 3x')).toEqual(
      new Map([
        ['a', '1'],
        ['b', 'two words'],
        ['c', '3'],
      ]),
    );
    expect(() => compileLogFormat('$a$b')).toThrow(/follows another variable/);
    expect(() => logFormat('nginx', { logFormat: '$a$b' })).toThrow(/--log-format/);
  });
});

describe('kong', () => {
  const kong = logFormat('kong');
  const record = {
    started_at: Date.parse('2026-11-30T12:00:00Z'),
    client_ip: '192.0.2.10',
    request: {
      method: 'POST',
      uri: '/v1/chat/completions',
      querystring: { user: 'a@example.com', debug: true },
      headers: { 'user-agent': 'kong-client/1', apikey: 'kong-raw-key-123' },
      size: 512,
    },
    response: { status: 429, size: 80 },
    latencies: { request: 35, kong: 2, proxy: 30 },
  };

  it('reads an http-log record, with a key from the logged headers', () => {
    const r = one(kong, JSON.stringify(record));
    expect(r.ok && r.event).toMatchObject({
      ts: '2026-11-30T12:00:00.000Z',
      durationMs: 35,
      client: { ip: '192.0.2.10', userAgent: 'kong-client/1' },
      key: { id: keyId(SECRET, 'kong-raw-key-123') },
      http: {
        method: 'POST',
        path: '/v1/chat/completions',
        query: 'user=[EMAIL]&debug',
        status: 429,
        requestBytes: 512,
      },
    });
  });

  it('reads batches and rejects bad records one by one', () => {
    const masked = { ...record, request: { ...record.request, headers: { apikey: 'REDACTED' } } };
    const r = kong.parse(JSON.stringify([record, { nope: 1 }, masked]), ctx(3));
    expect(r.map((x) => x.ok)).toEqual([true, false, true]);
    expect(r[2]!.ok && r[2]!.event.key).toBeNull();
    expect(r[0]!.ok && r[0]!.event.id).toBe('rtest-3');
    expect(r[2]!.ok && r[2]!.event.id).toBe('rtest-3-2');
  });
});

describe('jsonl', () => {
  const jsonl = logFormat('jsonl');

  it('accepts RequestEvent v1 lines and redacts them again', () => {
    const e = requestEvent({
      prompt: { text: 'reach me at a@example.com', chars: 25, truncated: false, redactions: {} },
    });
    const r = one(jsonl, JSON.stringify(e));
    expect(r.ok && r.event.prompt).toEqual({
      text: 'reach me at [EMAIL]',
      chars: 25,
      truncated: false,
      redactions: { email: 1 },
    });
  });

  it('rejects lines that are not valid events, naming the field', () => {
    const r = one(
      jsonl,
      JSON.stringify({ ...requestEvent(), http: { ...requestEvent().http, status: 'teapot' } }),
    );
    expect(!r.ok && r.reason).toMatch(/^http\.status: /);
    const s = one(jsonl, JSON.stringify({ ...requestEvent(), extra: 1 }));
    expect(!s.ok && s.code).toBe('EVENT_INVALID');
  });
});

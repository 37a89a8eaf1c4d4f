import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../infra/bus/memory.js';
import { Metrics } from '../infra/metrics.js';
import { revocationMessage } from '../infra/revocations.js';
import { createRuntime, type Runtime } from '../infra/runtime.js';
import { Config, type ConfigInput } from '../schemas/config.js';
import { RequestEvent } from '../schemas/request-event.js';
import {
  capturedLogger,
  chatCompletion,
  chatStreamFrames,
  request,
  type StubUpstream,
  startStub,
  writeFramesSlowly,
} from '../test/helpers/ingest.js';
import { waitFor } from '../test/helpers/wait.js';
import { keyId } from './key-id.js';
import { type RunningProxy, startProxy } from './proxy.js';

const SECRET = 'unit-test-key-id-secret';
const RAW_KEY = 'sk-proj-UnitTestRawKey0123456789abcdefXYZ';

interface Setup {
  runtime: Runtime;
  bus: MemoryBus;
  proxy: RunningProxy;
  upstream: StubUpstream;
  logs: () => string;
  events: () => RequestEvent[];
  url: string;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  handler: Parameters<typeof startStub>[0],
  config: ConfigInput = {},
  upstreamUrl?: string,
): Promise<Setup> {
  const upstream = await startStub(handler);
  const cfg = Config.parse({
    ...config,
    keyIdSecret: SECRET,
    gateway: { id: 'gw-unit', spoolDir: null, revocationWaitMs: 1000, ...config.gateway },
  });
  const bus = new MemoryBus(cfg.kafka);
  await bus.ensureTopics();
  const { log, text } = capturedLogger();
  const runtime = createRuntime(cfg, { bus, log, metrics: new Metrics() });
  const proxy = await startProxy(runtime, {
    port: 0,
    host: '127.0.0.1',
    upstreamUrl: upstreamUrl ?? upstream.url,
  });
  const got: RequestEvent[] = [];
  const sub = await bus.tail({
    topic: cfg.kafka.topics.requests,
    onMessage: (m) => {
      got.push(RequestEvent.parse(JSON.parse(m.value!.toString())));
    },
  });
  cleanups.push(async () => {
    await sub.stop();
    await proxy.stop();
    await upstream.close();
    await bus.close();
  });
  return {
    runtime,
    bus,
    proxy,
    upstream,
    logs: text,
    events: () => got,
    url: `http://127.0.0.1:${proxy.port}`,
  };
}

const chatBody = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'My card is 4111 1111 1111 1111 and mail jane@example.com' },
  ],
});

describe('proxy', () => {
  it('forwards a JSON request and answer byte for byte and emits one event with status, tokens and key id', async () => {
    const answer = chatCompletion('gpt-4o-mini', 21, 7);
    const s = await setup((_req, res, sent) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-1' });
      sent(answer);
      res.end(answer);
    });
    const res = await request(`${s.url}/v1/chat/completions?api-version=1`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${RAW_KEY}`,
        'content-type': 'application/json',
        'user-agent': 'unit/1',
      },
      body: chatBody,
    });
    expect(res.status).toBe(200);
    expect(res.body.equals(answer)).toBe(true);
    expect(res.headers['x-request-id']).toBe('req-1');
    const upstreamSaw = s.upstream.requests[0]!;
    expect(upstreamSaw.body.toString()).toBe(chatBody);
    expect(upstreamSaw.url).toBe('/v1/chat/completions?api-version=1');
    expect(upstreamSaw.rawHeaders).toContain(`Bearer ${RAW_KEY}`);

    await waitFor('the event', () => s.events().length === 1);
    const e = s.events()[0]!;
    expect(e).toMatchObject({
      key: { id: keyId(SECRET, RAW_KEY) },
      client: { ip: '127.0.0.1', userAgent: 'unit/1' },
      http: { method: 'POST', path: '/v1/chat/completions', query: 'api-version=1', status: 200 },
      ai: { model: 'gpt-4o-mini', inputTokens: 21, outputTokens: 7, stream: false },
      gateway: { id: 'gw-unit', outcome: 'forwarded' },
    });
    expect(e.http.requestBytes).toBe(Buffer.byteLength(chatBody));
    expect(e.http.responseBytes).toBe(answer.length);
    expect(e.prompt).toEqual({
      text: 'My card is [CARD] and mail [EMAIL]',
      chars: 56,
      truncated: false,
      redactions: { card: 1, email: 1 },
    });
    const bytes = JSON.stringify(s.events()) + s.logs();
    expect(bytes).not.toContain(RAW_KEY);
    expect(bytes).not.toContain('4111 1111 1111 1111');
    expect(bytes).not.toContain('jane@example.com');
  });

  it('passes a streamed answer through chunk by chunk and reads usage from its last chunk', async () => {
    const frames = chatStreamFrames('gpt-4o-mini', 30, 2);
    const s = await setup((_req, res, sent) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      writeFramesSlowly(res, frames, sent, 40);
    });
    const res = await request(`${s.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-api-key': RAW_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: [],
      }),
    });
    expect(res.body.equals(s.upstream.sent[0]!)).toBe(true);
    // Never buffered whole: the frames arrive spread over the time the upstream took to send them.
    expect(res.chunks.length).toBeGreaterThanOrEqual(frames.length - 1);
    expect(res.chunks.at(-1)!.at - res.chunks[0]!.at).toBeGreaterThanOrEqual(150);
    await waitFor('the event', () => s.events().length === 1);
    expect(s.events()[0]!.ai).toEqual({
      model: 'gpt-4o-mini',
      inputTokens: 30,
      outputTokens: 2,
      stream: true,
    });
  });

  it('drops hop-by-hop headers, names the upstream as Host and keeps repeated headers', async () => {
    const s = await setup((_req, res) => {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('connection', 'keep-alive, x-hop');
      res.setHeader('x-hop', 'should not reach the client');
      res.end('ok');
    });
    const res = await request(`${s.url}/v1/models`, {
      headers: {
        'x-multi': ['1', '2'],
        'proxy-authorization': 'Basic x',
        te: 'trailers',
        connection: 'x-private',
        'x-private': 'no',
      },
    });
    const saw = s.upstream.requests[0]!.rawHeaders;
    const names = saw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names).not.toContain('proxy-authorization');
    expect(names).not.toContain('te');
    expect(names).not.toContain('x-private');
    expect(saw[names.indexOf('host') * 2 + 1]).toBe(new URL(s.upstream.url).host);
    expect(saw.filter((_v, i) => i % 2 === 1 && saw[i - 1]!.toLowerCase() === 'x-multi')).toEqual(['1', '2']);
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['x-hop']).toBeUndefined();
  });

  it('rejects a revoked key with 401 and a blocked address with 403, without calling the upstream', async () => {
    const s = await setup((_req, res) => res.end('{}'));
    const revoke = (subject: { kind: 'key' | 'ip'; id: string }) =>
      s.bus.send(s.runtime.config.kafka.topics.revocations, [
        revocationMessage({
          schema: 'gatehound.revocation.v1',
          subject: subject as never,
          reason: 'test',
          incidentId: null,
          actor: 'policy:test',
          createdAt: new Date().toISOString(),
          expiresAt: null,
        }),
      ]);
    await revoke({ kind: 'key', id: keyId(SECRET, RAW_KEY) });
    await waitFor(
      'the revocation',
      () => s.proxy.gateway.enforcement.check(keyId(SECRET, RAW_KEY), '1.1.1.1') !== null,
    );
    const res = await request(`${s.url}/v1/models`, { headers: { authorization: `Bearer ${RAW_KEY}` } });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body.toString())).toEqual({
      error: { type: 'key_revoked', message: 'This API key has been revoked.' },
    });
    await revoke({ kind: 'ip', id: '127.0.0.0/8' });
    await waitFor('the block', () => s.proxy.gateway.enforcement.check(null, '127.0.0.1') !== null);
    const blocked = await request(`${s.url}/v1/models`, { headers: { authorization: 'Bearer other-key' } });
    expect(blocked.status).toBe(403);
    expect(JSON.parse(blocked.body.toString()).error.type).toBe('ip_blocked');
    expect(s.upstream.requests).toHaveLength(0);
    await waitFor('both events', () => s.events().length === 2);
    // Keyed by key id and by address, the two may sit in different partitions: compare as a set.
    expect(
      s
        .events()
        .map((e) => [e.http.status, e.gateway.outcome])
        .sort(),
    ).toEqual([
      [401, 'revoked'],
      [403, 'blocked'],
    ]);
  });

  it('answers 502 with an error body when the upstream is down, and still emits the event', async () => {
    const s = await setup((_req, res) => res.end(), {}, 'http://127.0.0.1:1');
    const res = await request(`${s.url}/v1/models`);
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body.toString()).error.type).toBe('upstream_unavailable');
    await waitFor('the event', () => s.events().length === 1);
    expect(s.events()[0]!.http.status).toBe(502);
  });

  it('refuses bodies over maxBodyBytes with 413, declared or streamed', async () => {
    const s = await setup((_req, res) => res.end('{}'), { gateway: { maxBodyBytes: 2048 } });
    const declared = await request(`${s.url}/v1/embeddings`, { method: 'POST', body: 'x'.repeat(4096) });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body.toString()).error.type).toBe('request_too_large');
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${s.url}/v1/embeddings`, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write('y'.repeat(512));
      req.end();
    });
    expect(streamed).toBe(413);
    await waitFor('two events', () => s.events().length === 2);
    expect(s.events().every((e) => e.gateway.outcome === 'rejected' && e.http.status === 413)).toBe(true);
  });

  it('limits a key by requests per minute with 429 and Retry-After', async () => {
    const s = await setup((_req, res) => res.end('{}'), {
      gateway: { rateLimit: { enabled: true, tiers: { default: { requestsPerMinute: 2 } } } },
    });
    const headers = { authorization: `Bearer ${RAW_KEY}` };
    expect((await request(`${s.url}/v1/models`, { headers })).status).toBe(200);
    expect((await request(`${s.url}/v1/models`, { headers })).status).toBe(200);
    const limited = await request(`${s.url}/v1/models`, { headers });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(limited.body.toString()).error.type).toBe('rate_limited');
    // Another key has its own bucket.
    expect((await request(`${s.url}/v1/models`, { headers: { authorization: 'Bearer other' } })).status).toBe(
      200,
    );
    await waitFor('four events', () => s.events().length === 4);
    expect(s.events().filter((e) => e.gateway.outcome === 'rate_limited')).toHaveLength(1);
  });

  it('records a client that leaves mid-stream, and stops the upstream', async () => {
    let upstreamClosed = false;
    const s = await setup((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write('data: {"choices":[]}\n\n'), 20);
      res.on('close', () => {
        clearInterval(timer);
        upstreamClosed = true;
      });
    });
    await new Promise<void>((resolve) => {
      const req = http.request(`${s.url}/v1/chat/completions`, { method: 'POST' }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end('{"model":"gpt-4o-mini","stream":true}');
    });
    await waitFor('the upstream to be released', () => upstreamClosed);
    await waitFor('the event', () => s.events().length === 1);
    expect(s.events()[0]!.http.status).toBe(200);
  });

  it('keeps connections alive both ways', async () => {
    const s = await setup((_req, res) => res.end('{}'));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => {
        const req = http.get(`${s.url}/v1/models`, { agent }, (res) => {
          sockets.add(req.socket);
          res.resume();
          res.on('end', resolve);
        });
      });
    }
    agent.destroy();
    expect(sockets.size).toBe(1);
  });

  it('spools events when the bus refuses them and sends them once it takes them again', async () => {
    const s = await setup((_req, res) => res.end('{}'), { gateway: { sendTimeoutMs: 100 } });
    const original = s.bus.send.bind(s.bus);
    let down = true;
    s.bus.send = async (topic, messages) => {
      if (down && topic === s.runtime.config.kafka.topics.requests) throw new Error('broker down');
      return original(topic, messages);
    };
    for (let i = 0; i < 5; i++) expect((await request(`${s.url}/v1/models`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.events()).toHaveLength(0);
    down = false;
    // No spool in this setup: the batch waits in the buffer and is retried.
    await waitFor('all five events', () => s.events().length === 5, 15_000);
  });

  it('refuses to start without a key id secret, naming the setting', async () => {
    const cfg = Config.parse({ gateway: { upstreamUrl: 'http://127.0.0.1:1' } });
    const runtime = createRuntime(cfg, { bus: new MemoryBus(cfg.kafka), metrics: new Metrics() });
    await expect(startProxy(runtime, { port: 0 })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('GATEHOUND_KEY_ID_SECRET'),
    });
  });
});

describe('proxy spool', () => {
  it('writes events to disk while the bus is down and sends them all when it is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehound-spool-'));
    const s = await setup((_req, res) => res.end('{}'), { gateway: { sendTimeoutMs: 100, spoolDir: dir } });
    const original = s.bus.send.bind(s.bus);
    let down = true;
    s.bus.send = async (topic, messages) => {
      if (down && topic === s.runtime.config.kafka.topics.requests) throw new Error('broker down');
      return original(topic, messages);
    };
    for (let i = 0; i < 20; i++) expect((await request(`${s.url}/v1/models?i=${i}`)).status).toBe(200);
    await waitFor('the spool to hold all twenty', async () => {
      const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
      const lines = files.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
      return lines.length === 20;
    });
    expect(s.events()).toHaveLength(0);
    down = false;
    await waitFor('all twenty events', () => s.events().length === 20, 15_000);
    expect(new Set(s.events().map((e) => e.http.query)).size).toBe(20);
    await waitFor(
      'the spool to be empty',
      () => readdirSync(dir).filter((f) => f.endsWith('.jsonl')).length === 0,
    );
  });
});

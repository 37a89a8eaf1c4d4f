import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../infra/bus/memory.js';
import { Metrics } from '../infra/metrics.js';
import { revocationMessage } from '../infra/revocations.js';
import { createRuntime } from '../infra/runtime.js';
import { Config } from '../schemas/config.js';
import { RequestEvent } from '../schemas/request-event.js';
import { capturedLogger, chatCompletion, chatStreamFrames } from '../test/helpers/ingest.js';
import { waitFor } from '../test/helpers/wait.js';
import gatehound from './fastify-plugin.js';
import { keyId } from './key-id.js';

const SECRET = 'fastify-plugin-secret-0123456789';
const RAW = 'sk-fastify-raw-key-0123456789';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function app(config: Record<string, unknown> = {}) {
  const cfg = Config.parse({
    keyIdSecret: SECRET,
    gateway: { id: 'gw-fastify', spoolDir: null, revocationWaitMs: 500 },
    ...config,
  });
  const bus = new MemoryBus(cfg.kafka);
  await bus.ensureTopics();
  const logs = capturedLogger();
  const runtime = createRuntime(cfg, { bus, log: logs.log, metrics: new Metrics() });
  const events: RequestEvent[] = [];
  const sub = await bus.tail({
    topic: cfg.kafka.topics.requests,
    onMessage: (m) => void events.push(RequestEvent.parse(JSON.parse(m.value!.toString()))),
  });
  const fastify = Fastify();
  await fastify.register(gatehound, { runtime, skip: (r) => r.url === '/healthz' });
  fastify.post('/v1/chat/completions', async (request, reply) => {
    const body = request.body as { stream?: boolean };
    if (body.stream) {
      reply.type('text/event-stream');
      return reply.send(Readable.from(chatStreamFrames('gpt-4o-mini', 12, 4)));
    }
    reply.type('application/json');
    return reply.send(chatCompletion('gpt-4o-mini', 33, 5));
  });
  fastify.get('/healthz', async () => ({ ok: true }));
  await fastify.ready();
  closers.push(async () => {
    await fastify.close();
    await sub.stop();
    await bus.close();
  });
  return { fastify, bus, runtime, events, logs };
}

const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'my ssn is 123-45-6789' }] };

describe('gatehound/fastify', () => {
  it('emits one redacted event per request with usage from JSON and streamed replies', async () => {
    const { fastify, events, logs } = await app();
    const plain = await fastify.inject({
      method: 'POST',
      url: '/v1/chat/completions?x=1',
      headers: { authorization: `Bearer ${RAW}` },
      payload: body,
    });
    expect(plain.statusCode).toBe(200);
    const streamed = await fastify.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { 'x-api-key': RAW },
      payload: { ...body, stream: true },
    });
    expect(streamed.body).toBe(chatStreamFrames('gpt-4o-mini', 12, 4).join(''));
    await fastify.inject({ method: 'GET', url: '/healthz' });
    await waitFor('two events', () => events.length === 2);
    expect(events[0]).toMatchObject({
      key: { id: keyId(SECRET, RAW) },
      http: { method: 'POST', path: '/v1/chat/completions', query: 'x=1', status: 200 },
      ai: { model: 'gpt-4o-mini', inputTokens: 33, outputTokens: 5, stream: false },
      prompt: { text: 'my ssn is [NATIONAL_ID]', redactions: { national_id: 1 } },
      gateway: { id: 'gw-fastify', outcome: 'forwarded' },
    });
    expect(events[1]!.ai).toEqual({ model: 'gpt-4o-mini', inputTokens: 12, outputTokens: 4, stream: true });
    expect(events[1]!.http.responseBytes).toBe(Buffer.byteLength(streamed.body));
    expect(JSON.stringify(events) + logs.text()).not.toContain(RAW);
    expect(JSON.stringify(events)).not.toContain('123-45-6789');
  });

  it('enforces revocations in-process before any handler runs', async () => {
    const { fastify, bus, runtime, events } = await app();
    await bus.send(runtime.config.kafka.topics.revocations, [
      revocationMessage({
        schema: 'gatehound.revocation.v1',
        subject: { kind: 'key', id: keyId(SECRET, RAW) },
        reason: 'test',
        incidentId: null,
        actor: 'policy:test',
        createdAt: new Date().toISOString(),
        expiresAt: null,
      }),
    ]);
    await waitFor(
      'the revocation',
      () => fastify.gatehound.enforcement.check(keyId(SECRET, RAW), '') !== null,
    );
    const res = await fastify.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${RAW}` },
      payload: body,
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { type: 'key_revoked', message: 'This API key has been revoked.' } });
    await waitFor('the event', () => events.length === 1);
    expect(events[0]).toMatchObject({ http: { status: 401 }, gateway: { outcome: 'revoked' }, prompt: null });
  });

  it('applies rate limits with 429 and Retry-After', async () => {
    const { fastify } = await app({
      gateway: {
        id: 'gw-fastify',
        spoolDir: null,
        revocationWaitMs: 500,
        rateLimit: { enabled: true, tiers: { default: { requestsPerMinute: 1 } } },
      },
    });
    const send = () =>
      fastify.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { authorization: `Bearer ${RAW}` },
        payload: body,
      });
    expect((await send()).statusCode).toBe(200);
    const limited = await send();
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});

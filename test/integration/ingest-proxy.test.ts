import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startUpstreamStub, type UpstreamStub } from '../../demo/upstream-stub.js';
import { type BusMessage, KafkaBus, type Subscription } from '../../infra/bus/index.js';
import { Metrics } from '../../infra/metrics.js';
import { revocationMessage } from '../../infra/revocations.js';
import { createRuntime, type Runtime } from '../../infra/runtime.js';
import { keyId, type RunningProxy, startProxy } from '../../ingest/index.js';
import { Config, type ConfigInput } from '../../schemas/config.js';
import { RequestEvent } from '../../schemas/request-event.js';
import {
  capturedLogger,
  chatCompletion,
  chatStreamFrames,
  request,
  startStub,
  writeFramesSlowly,
} from '../helpers/ingest.js';
import { stackConfig } from '../helpers/stack-config.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

const SECRET = 'integration-key-id-secret-0123';
const RAW_KEY = 'sk-proj-IntegrationRawKeyDoNotLeak0123456789';
const PII = {
  email: 'victoria.hale@example.org',
  card: '4111 1111 1111 1111',
  ssn: '123-45-6789',
  phone: '+1 (415) 555-0100',
};

function configFor(prefix: string, brokers: string[], extra: ConfigInput['gateway'] = {}): Config {
  return Config.parse(
    stackConfig(prefix, brokers.join(','), null, {
      logLevel: 'trace',
      keyIdSecret: SECRET,
      gateway: { id: 'gw-it', spoolDir: null, revocationWaitMs: 15_000, ...extra },
    }),
  );
}

/** Every message of a topic from the start, as it arrives. */
async function collect(bus: KafkaBus, topic: string): Promise<{ messages: BusMessage[]; sub: Subscription }> {
  const messages: BusMessage[] = [];
  const sub = await bus.consume({
    groupId: uniqueName('it-collect'),
    topics: [topic],
    fromBeginning: true,
    onBatch: async (b) => {
      messages.push(...b.messages);
    },
  });
  return { messages, sub };
}

function events(messages: BusMessage[]): RequestEvent[] {
  return messages.map((m) => RequestEvent.parse(JSON.parse(m.value!.toString())));
}

describe('proxy on real Kafka', () => {
  const brokers = inject('kafkaBrokers').split(',');
  const prefix = uniqueName('it-proxy');
  const config = configFor(prefix, brokers);
  const logs = capturedLogger('trace');
  let runtime: Runtime;
  let proxy: RunningProxy;
  let reader: KafkaBus;
  let collected: { messages: BusMessage[]; sub: Subscription };
  let stub: UpstreamStub;
  let url: string;

  beforeAll(async () => {
    stub = await startUpstreamStub();
    runtime = createRuntime(config, {
      log: logs.log,
      bus: new KafkaBus(config.kafka, logs.log),
      metrics: new Metrics(),
    });
    await runtime.bus.ensureTopics();
    proxy = await startProxy(runtime, { port: 0, host: '127.0.0.1', upstreamUrl: stub.url });
    url = `http://127.0.0.1:${proxy.port}`;
    reader = new KafkaBus(config.kafka, capturedLogger('error').log);
    collected = await collect(reader, config.kafka.topics.requests);
  });
  afterAll(async () => {
    await collected?.sub.stop();
    await proxy?.stop();
    await runtime?.bus.close();
    await reader?.close();
    await stub?.close();
  });

  it('passes plain and streamed answers byte for byte; events carry status, tokens and key id; nothing leaks', async () => {
    const answer = chatCompletion('gpt-4o-mini', 42, 9);
    const frames = chatStreamFrames('gpt-4o-mini', 17, 3);
    const exact = await startStub((req, res, sent) => {
      if (JSON.parse(req.body.toString()).stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        writeFramesSlowly(res, frames, sent, 25);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        sent(answer);
        res.end(answer);
      }
    });
    const exactProxy = await startProxy(runtime, { port: 0, host: '127.0.0.1', upstreamUrl: exact.url });
    try {
      const prompt = `Contact ${PII.email}, card ${PII.card}, SSN ${PII.ssn}, phone ${PII.phone}, key ${RAW_KEY}`;
      const body = (stream: boolean) =>
        JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: prompt }] });
      const headers = {
        authorization: `Bearer ${RAW_KEY}`,
        'content-type': 'application/json',
        'x-trace': PII.email,
      };
      const target = `http://127.0.0.1:${exactProxy.port}/v1/chat/completions?api_key=${RAW_KEY}&user=${PII.email}`;
      const plain = await request(target, { method: 'POST', headers, body: body(false) });
      const streamed = await request(target, { method: 'POST', headers, body: body(true) });
      expect(plain.status).toBe(200);
      expect(plain.body.equals(exact.sent[0]!)).toBe(true);
      expect(streamed.body.equals(exact.sent[1]!)).toBe(true);
      expect(streamed.chunks.length).toBeGreaterThan(1);

      await waitFor(
        'both events in Kafka',
        () =>
          events(collected.messages).filter(
            (e) =>
              e.http.status === 200 &&
              e.ai?.inputTokens !== null &&
              (e.ai?.inputTokens === 42 || e.ai?.inputTokens === 17),
          ).length === 2,
      );
      const mine = events(collected.messages).filter(
        (e) => e.ai?.inputTokens === 42 || e.ai?.inputTokens === 17,
      );
      for (const e of mine) {
        expect(e.key).toEqual({ id: keyId(SECRET, RAW_KEY) });
        expect(e.http.status).toBe(200);
        expect(e.http.query).toBe('api_key=[REDACTED]&user=[EMAIL]');
        expect(e.prompt!.text).toBe(
          'Contact [EMAIL], card [CARD], SSN [NATIONAL_ID], phone [PHONE], key [API_KEY]',
        );
      }
      expect(mine.map((e) => [e.ai!.inputTokens, e.ai!.outputTokens, e.ai!.stream]).sort()).toEqual([
        [17, 3, true],
        [42, 9, false],
      ]);
      // The Kafka key is the key id.
      const keys = collected.messages
        .filter((m) => mine.some((e) => m.value!.toString().includes(e.id)))
        .map((m) => m.key);
      expect(keys).toEqual([keyId(SECRET, RAW_KEY), keyId(SECRET, RAW_KEY)]);

      // Search the bytes: every produced message and every log line, at trace level.
      const produced = collected.messages.map((m) => `${m.key} ${m.value!.toString()}`).join('\n');
      const everything = produced + logs.text();
      expect(logs.lines.length).toBeGreaterThan(0);
      for (const secret of [RAW_KEY, ...Object.values(PII), 'victoria.hale', '4111111111111111']) {
        expect(everything).not.toContain(secret);
      }
    } finally {
      await exactProxy.stop();
      await exact.close();
    }
  });

  it('serves the official OpenAI SDK, plain and streamed, and records both', async () => {
    const client = new OpenAI({
      apiKey: 'sk-sdk-client-key-0123456789',
      baseURL: `${url}/v1`,
      maxRetries: 0,
    });
    const plain = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'plain through the SDK' }],
    });
    expect(plain.choices[0]!.message.content).toContain('helpful answer');
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'streamed through the SDK' }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toContain('helpful answer');
    const sdkKey = keyId(SECRET, 'sk-sdk-client-key-0123456789');
    await waitFor(
      'the SDK events',
      () => events(collected.messages).filter((e) => e.key?.id === sdkKey).length === 2,
    );
    const sdk = events(collected.messages).filter((e) => e.key?.id === sdkKey);
    expect(sdk.map((e) => e.prompt?.text).sort()).toEqual([
      'plain through the SDK',
      'streamed through the SDK',
    ]);
    const streamed = sdk.find((e) => e.ai?.stream)!;
    expect(streamed.ai).toMatchObject({
      inputTokens: usage!.prompt_tokens,
      outputTokens: usage!.completion_tokens,
    });
    expect(streamed.client.userAgent).toMatch(/OpenAI\/JS/);
  });

  it('rejects a key within a second of its revocation being written to the topic', async () => {
    const raw = 'sk-to-be-revoked-0123456789abcdef';
    const client = new OpenAI({ apiKey: raw, baseURL: `${url}/v1`, maxRetries: 0 });
    await client.models.list();
    const writer = new KafkaBus(config.kafka, capturedLogger('error').log);
    try {
      await writer.send(config.kafka.topics.revocations, [
        revocationMessage({
          schema: 'gatehound.revocation.v1',
          subject: { kind: 'key', id: keyId(SECRET, raw) },
          reason: 'integration test',
          incidentId: null,
          actor: 'policy:test',
          createdAt: new Date().toISOString(),
          expiresAt: null,
        }),
      ]);
      const written = Date.now();
      let status = 0;
      while (Date.now() - written < 1000) {
        status = (await request(`${url}/v1/models`, { headers: { authorization: `Bearer ${raw}` } })).status;
        if (status === 401) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const took = Date.now() - written;
      expect(status, `still ${status} after ${took} ms`).toBe(401);
      expect(took).toBeLessThan(1000);
      const before = stub.requests.get('/v1/models') ?? 0;
      const res = await request(`${url}/v1/models`, { headers: { authorization: `Bearer ${raw}` } });
      expect(JSON.parse(res.body.toString()).error.type).toBe('key_revoked');
      expect(stub.requests.get('/v1/models') ?? 0).toBe(before);
      await waitFor('a revoked event', () =>
        events(collected.messages).some(
          (e) => e.key?.id === keyId(SECRET, raw) && e.gateway.outcome === 'revoked',
        ),
      );
    } finally {
      await writer.close();
    }
  });
});

/** A TCP port that refuses connections until `open`, then forwards to the real broker. */
async function gate(
  target: string,
): Promise<{ port: number; open: () => Promise<void>; close: () => Promise<void> }> {
  const [host, port] = [
    target.slice(0, target.lastIndexOf(':')),
    Number(target.slice(target.lastIndexOf(':') + 1)),
  ];
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const gatePort = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  return {
    port: gatePort,
    open: () => new Promise((r) => server.listen(gatePort, '127.0.0.1', () => r())),
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        if (server.listening) server.close(() => r());
        else r();
      }),
  };
}

describe('proxy while Kafka is unreachable', () => {
  const brokers = inject('kafkaBrokers').split(',');

  it('keeps serving, spools every event, and delivers all of them once Kafka answers', async () => {
    const prefix = uniqueName('it-outage');
    const real = configFor(prefix, brokers);
    const admin = new KafkaBus(real.kafka, capturedLogger('error').log);
    await admin.ensureTopics();
    const g = await gate(brokers[0]!);
    const spoolDir = mkdtempSync(join(tmpdir(), 'gatehound-it-spool-'));
    const config = configFor(prefix, [`127.0.0.1:${g.port}`], {
      spoolDir,
      sendTimeoutMs: 300,
      revocationWaitMs: 200,
    });
    const logs = capturedLogger('info');
    const runtime = createRuntime(config, {
      log: logs.log,
      bus: new KafkaBus(config.kafka, logs.log),
      metrics: new Metrics(),
    });
    const upstream = await startUpstreamStub();
    const proxy = await startProxy(runtime, { port: 0, host: '127.0.0.1', upstreamUrl: upstream.url });
    const collected = await collect(admin, real.kafka.topics.requests);
    try {
      const N = 60;
      const t0 = Date.now();
      for (let i = 0; i < N; i++) {
        const res = await request(`http://127.0.0.1:${proxy.port}/v1/models?n=${i}`, {
          headers: { authorization: 'Bearer sk-outage-key-0123456789' },
        });
        expect(res.status).toBe(200);
      }
      // Requests never waited for Kafka.
      expect(Date.now() - t0).toBeLessThan(5000);
      await waitFor('events in the spool', () => {
        const lines = readdirSync(spoolDir)
          .filter((f) => f.endsWith('.jsonl'))
          .flatMap((f) => readFileSync(join(spoolDir, f), 'utf8').split('\n').filter(Boolean));
        return lines.length === N;
      });
      expect(collected.messages).toHaveLength(0);

      await g.open();
      await waitFor(
        `all ${N} events in Kafka`,
        () => new Set(events(collected.messages).map((e) => e.http.query)).size === N,
        90_000,
      );
      const got = events(collected.messages);
      expect(new Set(got.map((e) => e.http.query))).toEqual(
        new Set(Array.from({ length: N }, (_, i) => `n=${i}`)),
      );
      expect(got.every((e) => e.http.status === 200 && e.gateway.outcome === 'forwarded')).toBe(true);
      await waitFor(
        'the spool to empty',
        () => readdirSync(spoolDir).filter((f) => f.endsWith('.jsonl')).length === 0,
      );
    } finally {
      await collected.sub.stop();
      await proxy.stop();
      await runtime.bus.close();
      await upstream.close();
      await g.close();
      await admin.close();
    }
  }, 180_000);

  it('sends events spooled by a proxy that stopped while Kafka was down, when the next one starts', async () => {
    const prefix = uniqueName('it-restart');
    const real = configFor(prefix, brokers);
    const admin = new KafkaBus(real.kafka, capturedLogger('error').log);
    await admin.ensureTopics();
    const spoolDir = mkdtempSync(join(tmpdir(), 'gatehound-it-spool-'));
    const upstream = await startUpstreamStub();
    const N = 25;
    {
      const down = configFor(prefix, ['127.0.0.1:1'], {
        spoolDir,
        sendTimeoutMs: 200,
        revocationWaitMs: 100,
      });
      const log = capturedLogger('error').log;
      const runtime = createRuntime(down, {
        log,
        bus: new KafkaBus(down.kafka, log),
        metrics: new Metrics(),
      });
      const proxy = await startProxy(runtime, { port: 0, host: '127.0.0.1', upstreamUrl: upstream.url });
      for (let i = 0; i < N; i++)
        expect(
          (
            await request(`http://127.0.0.1:${proxy.port}/v1/models?r=${i}`, {
              headers: { authorization: 'Bearer k' },
            })
          ).status,
        ).toBe(200);
      await proxy.stop();
      void runtime.bus.close();
    }
    const spooled = readdirSync(spoolDir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(spoolDir, f), 'utf8').split('\n').filter(Boolean));
    expect(spooled).toHaveLength(N);

    const collected = await collect(admin, real.kafka.topics.requests);
    const up = configFor(prefix, brokers, { spoolDir });
    const log = capturedLogger('error').log;
    const runtime = createRuntime(up, { log, bus: new KafkaBus(up.kafka, log), metrics: new Metrics() });
    const proxy = await startProxy(runtime, { port: 0, host: '127.0.0.1', upstreamUrl: upstream.url });
    try {
      await waitFor(`all ${N} spooled events in Kafka`, () => collected.messages.length >= N, 60_000);
      expect(new Set(events(collected.messages).map((e) => e.http.query)).size).toBe(N);
    } finally {
      await collected.sub.stop();
      await proxy.stop();
      await runtime.bus.close();
      await upstream.close();
      await admin.close();
    }
  }, 120_000);
});

import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BusMessage, KafkaBus, type Subscription } from '../../infra/bus/index.js';
import { Metrics } from '../../infra/metrics.js';
import { createRuntime, type Runtime } from '../../infra/runtime.js';
import { keyId, logFormat, replay } from '../../ingest/index.js';
import { Config } from '../../schemas/config.js';
import { DeadLetter } from '../../schemas/dead-letter.js';
import { RequestEvent } from '../../schemas/request-event.js';
import { requestEvent } from '../helpers/events.js';
import { capturedLogger } from '../helpers/ingest.js';
import { stackConfig } from '../helpers/stack-config.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

const SECRET = 'replay-integration-secret-0123';
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

const combined = (ip: string, status: number, path: string) =>
  `${ip} - - [30/Nov/2026:12:00:00 +0100] "GET ${path} HTTP/1.1" ${status} 42 "-" "curl/8.5"`;

const FILES: Record<
  string,
  {
    format: string;
    options?: { logFormat?: string; keyField?: string };
    lines: string[];
    good: number;
    bad: number[];
  }
> = {
  'nginx-combined.log': {
    format: 'nginx',
    lines: [
      combined('203.0.113.1', 200, '/v1/models'),
      combined('203.0.113.2', 404, '/admin/.env'),
      'GET / HTTP/1.1 garbage without the format',
      combined('203.0.113.3', 200, '/v1/models?token=abc123'),
      '',
      combined('not-an-address', 200, '/'),
    ],
    good: 3,
    bad: [3, 6],
  },
  'nginx-json.log': {
    format: 'nginx',
    options: { keyField: 'api_key' },
    lines: [
      JSON.stringify({
        time: '2026-11-30T12:00:00+00:00',
        remote_addr: '198.51.100.1',
        request: 'POST /v1/chat/completions HTTP/1.1',
        status: 200,
        body_bytes_sent: 900,
        request_time: '0.812',
        api_key: 'sk-json-raw-key',
      }),
      '{"time": "2026-11-30T12:00:01+00:00", "remote_addr": ',
      JSON.stringify({
        time: '2026-11-30T12:00:02+00:00',
        remote_addr: '198.51.100.2',
        request: 'GET /v1/models HTTP/1.1',
        status: 'ok',
      }),
      JSON.stringify({
        time: '2026-11-30T12:00:03+00:00',
        remote_addr: '198.51.100.3',
        request: 'GET /v1/models HTTP/1.1',
        status: 401,
      }),
    ],
    good: 2,
    bad: [2, 3],
  },
  'kong.log': {
    format: 'kong',
    lines: [
      JSON.stringify({
        started_at: Date.parse('2026-11-30T12:00:00Z'),
        client_ip: '192.0.2.1',
        request: {
          method: 'POST',
          uri: '/v1/embeddings',
          headers: { authorization: 'Bearer sk-kong-raw-key' },
          size: 100,
        },
        response: { status: 200, size: 2000 },
        latencies: { request: 20 },
      }),
      '[{"started_at": 1, "client_ip": "192.0.2.2"}]',
      'not json at all',
    ],
    good: 1,
    bad: [2, 3],
  },
  'events.jsonl': {
    format: 'jsonl',
    lines: [
      JSON.stringify(
        requestEvent({
          id: 'jsonl-1',
          prompt: { text: 'mail a@example.com', chars: 18, truncated: false, redactions: {} },
        }),
      ),
      JSON.stringify({ ...requestEvent({ id: 'jsonl-2' }), unexpected: true }),
      JSON.stringify(requestEvent({ id: 'jsonl-3' })),
    ],
    good: 2,
    bad: [2],
  },
};

describe('replay into real Kafka', () => {
  const prefix = uniqueName('it-replay');
  const config = Config.parse(
    stackConfig(prefix, inject('kafkaBrokers'), null, { keyIdSecret: SECRET, gateway: { id: 'replay-it' } }),
  );
  const dir = mkdtempSync(join(tmpdir(), 'gatehound-replay-'));
  let runtime: Runtime;
  const requests: BusMessage[] = [];
  const dlq: BusMessage[] = [];
  const subs: Subscription[] = [];

  beforeAll(async () => {
    const log = capturedLogger('error').log;
    runtime = createRuntime(config, { log, bus: new KafkaBus(config.kafka, log), metrics: new Metrics() });
    await runtime.bus.ensureTopics();
    for (const [topic, into] of [
      [config.kafka.topics.requests, requests],
      [config.kafka.topics.dlq, dlq],
    ] as const) {
      subs.push(
        await runtime.bus.consume({
          groupId: uniqueName('it-replay-read'),
          topics: [topic],
          fromBeginning: true,
          onBatch: async (b) => {
            into.push(...b.messages);
          },
        }),
      );
    }
    for (const [name, f] of Object.entries(FILES)) writeFileSync(join(dir, name), `${f.lines.join('\n')}\n`);
  });
  afterAll(async () => {
    for (const s of subs) await s.stop();
    await runtime?.bus.close();
  });

  for (const [name, f] of Object.entries(FILES)) {
    it(`replays ${name} (${f.format}): good lines produced, malformed ones dead-lettered with their line`, async () => {
      const path = join(dir, name);
      const result = await replay(runtime, {
        input: createReadStream(path),
        source: path,
        format: logFormat(f.format, f.options),
      });
      expect(result).toMatchObject({ produced: f.good, rejected: f.bad.length, done: true });
      await waitFor(
        `dead letters of ${name}`,
        () =>
          dlq.filter((m) => DeadLetter.parse(JSON.parse(m.value!.toString())).source.file === path).length ===
          f.bad.length,
      );
      const letters = dlq
        .map((m) => DeadLetter.parse(JSON.parse(m.value!.toString())))
        .filter((d) => d.source.file === path);
      expect(letters.map((d) => d.source.line).sort()).toEqual(f.bad);
      for (const d of letters) {
        expect(d.stage).toBe('replay');
        expect(d.reason.length).toBeGreaterThan(0);
        expect(f.lines[d.source.line! - 1]).toBe(d.payload);
      }
    });
  }

  it('produced valid, redacted events keyed by key id or client address', async () => {
    const total = Object.values(FILES).reduce((n, f) => n + f.good, 0);
    await waitFor('every replayed event', () => requests.length === total);
    const events = requests.map((m) => ({
      key: m.key,
      event: RequestEvent.parse(JSON.parse(m.value!.toString())),
    }));
    for (const { key, event } of events) expect(key).toBe(event.key?.id ?? event.client.ip);
    const text = requests.map((m) => m.value!.toString()).join('\n');
    for (const secret of ['sk-json-raw-key', 'sk-kong-raw-key', 'a@example.com', 'token=abc123'])
      expect(text).not.toContain(secret);
    const byPath = new Map(
      events.map(({ event }) => [event.http.path + (event.http.query ? `?${event.http.query}` : ''), event]),
    );
    expect(byPath.get('/v1/models?token=[REDACTED]')!.ts).toBe('2026-11-30T12:00:00.000+01:00');
    const fromJson = events.find(({ event }) => event.key?.id === keyId(SECRET, 'sk-json-raw-key'))!.event;
    // nginx logs at the end of a request: the start is the logged time less $request_time.
    expect(fromJson).toMatchObject({
      ts: '2026-11-30T11:59:59.188Z',
      durationMs: 812,
      http: { path: '/v1/chat/completions' },
    });
    expect(byPath.get('/v1/embeddings')!.key).toEqual({ id: keyId(SECRET, 'sk-kong-raw-key') });
    expect(events.find(({ event }) => event.id === 'jsonl-1')!.event.prompt!.text).toBe('mail [EMAIL]');
  });

  it('runs as `gatehound replay` with plain progress lines and a summary when not on a terminal', () => {
    const configFile = join(dir, 'gatehound.yaml');
    writeFileSync(
      configFile,
      `keyIdSecret: ${SECRET}\nkafka:\n  brokers: [${config.kafka.brokers!.join(', ')}]\n  topics:\n${Object.entries(
        config.kafka.topics,
      )
        .map(([k, v]) => `    ${k}: ${v}`)
        .join('\n')}\n`,
    );
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUND_')),
    );
    const res = spawnSync(
      process.execPath,
      [cli, 'replay', join(dir, 'nginx-combined.log'), '--format', 'nginx', '--file', configFile],
      { env: clean, encoding: 'utf8', timeout: 60_000 },
    );
    expect(res.stderr).toContain('replay: read 5 lines, produced 3, rejected 2 (dead-lettered to');
    expect(res.status).toBe(0);
    const bad = spawnSync(
      process.execPath,
      [cli, 'replay', join(dir, 'nginx-combined.log'), '--format', 'apache'],
      {
        env: clean,
        encoding: 'utf8',
      },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--format must be one of jsonl, nginx, kong');
  });
});

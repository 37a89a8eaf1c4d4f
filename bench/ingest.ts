/**
 * `npm run bench:ingest`: the gateway's figures. Setup is apart from measurement; each figure is the
 * median of several runs (BENCH_RUNS, default 3). Prints a table and writes bench/results/ingest.json.
 *
 * - redaction: median time to redact a 2 KB prompt (prose with personal data, code, pasted logs)
 * - proxy overhead: p50/p99 latency at a fixed 1,000 requests/s, direct to the stub upstream and
 *   through the proxy (stub and proxy each in their own process, events to Kafka), and the added p99
 * - throughput: requests/s at full load (closed loop), through the proxy vs direct, and the ratio
 * - a bare node:http pass-through proxy beside both, for what HTTP alone costs on this machine, and
 *   the proxy with events on the in-process bus, for what the co-located broker and client cost
 * - replay: nginx combined lines/s, parsed, normalised, redacted and produced to Kafka; and the same
 *   without Kafka (what the parser alone sustains)
 *
 * `BENCH_ONLY=redaction,proxy,replay` runs only the parts named.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startUpstreamStub } from '../demo/upstream-stub.js';
import type { Bus, OutgoingMessage } from '../infra/bus/index.js';
import { createKafkaBus } from '../infra/bus/index.js';
import { createLogger } from '../infra/logger.js';
import { Metrics } from '../infra/metrics.js';
import { createRuntime } from '../infra/runtime.js';
import { logFormat, redact, replay, startProxy } from '../ingest/index.js';
import { Config } from '../schemas/config.js';
import { writeResults } from './results.js';
import { benchStack, stats } from './stack.js';
import { hasWrk, wrk } from './wrk.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const FIXED_SECONDS = Number(process.env.BENCH_FIXED_SECONDS ?? 10);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const REPLAY_LINES = Number(process.env.BENCH_REPLAY_LINES ?? 500_000);
const SECRET = 'bench-key-id-secret-0123456789';
const self = fileURLToPath(import.meta.url);

// ---- child processes: the stub upstream and the proxy run apart from the load generator ----------

/**
 * The floor any node:http proxy pays on this machine: a pass-through with no gatehound work at all,
 * measured beside the real one so the figures say what gatehound adds and what HTTP itself costs.
 */
function bareProxy(upstream: URL): Promise<string> {
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const up = http.request(
      {
        agent,
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (ures) => {
        res.writeHead(ures.statusCode ?? 502, ures.headers);
        ures.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`),
    ),
  );
}

/** The child's address goes to the parent over IPC: stdout is the child's log, which may speak first. */
function announce(url: string): void {
  process.send!({ url });
  // CPU used so far, asked for around each full-load run: per-request cost is what a busy shared
  // machine does not blur the way it blurs requests/s.
  process.on('message', () => process.send!({ cpu: process.cpuUsage() }));
}

async function child(role: string): Promise<void> {
  if (role === 'bare') {
    announce(await bareProxy(new URL(process.env.BENCH_UPSTREAM!)));
    return;
  }
  if (role === 'stub') {
    const stub = await startUpstreamStub({ streamChunks: 4 });
    announce(stub.url);
    return;
  }
  const brokers = process.env.BENCH_BROKERS ? process.env.BENCH_BROKERS.split(',') : null;
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const config = Config.parse({
    logLevel: 'warn',
    keyIdSecret: SECRET,
    kafka: {
      brokers,
      client: process.env.GATEHOUND_KAFKA_CLIENT,
      compression: process.env.GATEHOUND_KAFKA_COMPRESSION,
      topics: {
        requests: `${prefix}.requests.v1`,
        revocations: `${prefix}.revocations.v1`,
        dlq: `${prefix}.dlq.v1`,
      },
    },
    gateway: { spoolDir: null, upstreamUrl: process.env.BENCH_UPSTREAM, revocationWaitMs: 10_000 },
  });
  const runtime = createRuntime(config, { metrics: new Metrics() });
  await runtime.bus.ensureTopics();
  const proxy = await startProxy(runtime, { port: 0, host: '127.0.0.1' });
  announce(`http://127.0.0.1:${proxy.port}`);
  process.once('SIGTERM', () => {
    void proxy
      .stop()
      .then(() => runtime.bus.close())
      .then(() => process.exit(0));
  });
}

interface Child {
  url: string;
  /** CPU time (user + system) the child has used, in microseconds. */
  cpu: () => Promise<number>;
  kill: () => void;
}

function spawnChild(role: string, env: Record<string, string> = {}): Promise<Child> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [self, '--child', role], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const cpu = () =>
      new Promise<number>((answer) => {
        p.once('message', (m: { cpu: NodeJS.CpuUsage }) => answer(m.cpu.user + m.cpu.system));
        p.send('cpu');
      });
    p.once('message', (m: { url: string }) => resolve({ url: m.url, cpu, kill: () => p.kill('SIGTERM') }));
    p.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

// ---- load generation ----------------------------------------------------------------------------

const BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Summarise this ticket from jane@example.com in one sentence, please.' },
  ],
});

function once(agent: http.Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      `${url}/v1/chat/completions`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: 'Bearer sk-bench-key-0123456789',
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(BODY),
        },
      },
      (res) => {
        res.resume();
        // An error answered fast would pass for speed: every figure is of successful requests.
        if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`));
        res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
      },
    );
    req.on('error', reject);
    req.end(BODY);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Open loop: requests start on schedule whatever the answers do, so queueing shows in the latency. */
async function fixedRate(url: string, rate: number, seconds: number): Promise<{ p50: number; p99: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  for (let i = 0; i < 200; i++) await once(agent, url); // warm-up
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const total = rate * seconds;
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent++) pending.push(once(agent, url).then((ms) => void latencies.push(ms)));
    // A 1 ms tick, not a spin: the generator must not take a core from the processes it measures.
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * wrk when installed: a node:http client costs about as much CPU per request as the stub it loads,
 * so on two cores it capped the direct figure (about half what wrk measures) and took CPU from the
 * proxy it measured. The fixed-rate figures stay on node:http: wrk has no open-loop mode.
 */
const WRK = hasWrk();

/** The bench request as a wrk script: the same body and headers as `once`. */
function wrkScript(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gatehound-bench-wrk-')), 'post.lua');
  writeFileSync(file, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(BODY)}\n`);
  return file;
}

/** Closed loop: `concurrency` keep-alive connections back to back for `seconds`. */
async function fullLoad(
  url: string,
  concurrency: number,
  seconds: number,
  script: string | null,
): Promise<{ rps: number; requests: number }> {
  if (script) {
    const r = wrk(`${url}/v1/chat/completions`, {
      connections: concurrency,
      seconds,
      script,
      headers: ['authorization: Bearer sk-bench-key-0123456789', 'content-type: application/json'],
    });
    if (r.non2xx + r.socketErrors > 0)
      throw new Error(`${url}: ${r.non2xx} error responses and ${r.socketErrors} socket errors under load`);
    return { rps: r.requestsPerSecond, requests: r.requests };
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await once(agent, url);
        done++;
      }
    }),
  );
  agent.destroy();
  return { rps: done / ((performance.now() - t0) / 1000), requests: done };
}

/**
 * Full load on one target, after a warm-up, with the CPU its process spent per request (µs): a
 * figure the noise of a shared machine moves less than requests/s.
 */
async function measuredLoad(target: Child, script: string | null): Promise<{ rps: number; cpuUs: number }> {
  const agent = new http.Agent({ keepAlive: true });
  for (let i = 0; i < 200; i++) await once(agent, target.url);
  agent.destroy();
  const before = await target.cpu();
  const r = await fullLoad(target.url, CONCURRENCY, LOAD_SECONDS, script);
  return { rps: r.rps, cpuUs: ((await target.cpu()) - before) / r.requests };
}

// ---- redaction ---------------------------------------------------------------------------------

function twoKb(seed: string): string {
  let s = '';
  while (s.length < 2048) s += seed;
  return s.slice(0, 2048);
}

const PROMPTS = {
  prose: twoKb(
    'Please summarise the following customer complaint. The customer, reachable at jane.roe@example.org, says the order placed on 2024-03-02 never arrived and support was unhelpful. They want a refund to the card ending 4242 and ask us to call them back at +44 20 7946 0958 before Friday. Write a short, polite reply that apologises and explains the next steps. ',
  ),
  code: twoKb(
    'function handler(req, res) {\n  const token = req.headers["x-api-key"];\n  if (!token) return res.status(401).json({ error: "missing key" });\n  const user = await db.users.findOne({ id: req.params.id, tenant: req.tenant });\n  return res.json({ ok: true, user: user.name, created: user.createdAt.toISOString() });\n}\n',
  ),
  logs: twoKb(
    '2026-11-30T12:00:01Z INFO request from 203.0.113.7 user=bob@example.com path=/v1/chat status=200 key=sk-proj-AbCdEf1234567890AbCdEf1234567890 took 812ms\n',
  ),
};

function redactionMicros(text: string): number {
  const n = 20_000;
  for (let i = 0; i < 2000; i++) redact(text);
  const samples: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) redact(text);
    samples.push(Number(process.hrtime.bigint() - t0) / n / 1000);
  }
  return stats(samples).median;
}

// ---- replay ------------------------------------------------------------------------------------

function nginxLog(lines: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehound-bench-'));
  const file = join(dir, 'access.log');
  const paths = ['/v1/chat/completions', '/v1/embeddings', '/v1/models', '/v1/completions', '/admin/.env'];
  const agents = [
    'OpenAI/Python 1.40.0',
    'OpenAI/JS 4.56.0',
    'curl/8.5.0',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
  ];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const sec = String(i % 60).padStart(2, '0');
    const min = String(Math.floor(i / 60) % 60).padStart(2, '0');
    out.push(
      `${ip} - - [30/Nov/2026:12:${min}:${sec} +0000] "POST ${paths[i % paths.length]}?v=${i % 7} HTTP/1.1" ${i % 17 === 0 ? 401 : 200} ${400 + (i % 900)} "-" "${agents[i % agents.length]}"`,
    );
  }
  writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}

/** A bus that takes everything and keeps nothing: the replay pipeline without Kafka. */
const nullBus = {
  kind: 'memory',
  ensureTopics: async () => undefined,
  send: async (_t: string, _m: OutgoingMessage[]) => undefined,
  consume: async () => ({ stop: async () => undefined }),
  tail: async () => ({ stop: async () => undefined }),
  ping: async () => true,
  close: async () => undefined,
} as unknown as Bus;

async function replayRate(file: string, brokers: string[] | null): Promise<number> {
  const prefix = `bench-replay-${randomUUID().slice(0, 8)}`;
  const config = Config.parse({
    logLevel: 'warn',
    kafka: {
      brokers,
      client: process.env.GATEHOUND_KAFKA_CLIENT,
      compression: process.env.GATEHOUND_KAFKA_COMPRESSION,
      partitions: 6,
      topics: { requests: `${prefix}.requests.v1`, dlq: `${prefix}.dlq.v1` },
    },
  });
  const log = createLogger({ level: 'warn' });
  const kafka = brokers ? createKafkaBus(config.kafka, log) : null;
  await kafka?.createTopic(config.kafka.topics.requests, 6);
  const bus = kafka ?? nullBus;
  const runtime = createRuntime(config, { bus, log, metrics: new Metrics() });
  const result = await replay(runtime, {
    input: createReadStream(file, { highWaterMark: 1024 * 1024 }),
    source: file,
    format: logFormat('nginx'),
    parserThread: true,
  });
  await bus.close();
  if (result.rejected > 0) throw new Error(`${result.rejected} lines rejected`);
  return result.read / (result.elapsedMs / 1000);
}

// ---- main --------------------------------------------------------------------------------------

type Figures = Record<string, ReturnType<typeof stats> & { unit: string; target?: string }>;

function redactionFigures(): Figures {
  const micros = Object.fromEntries(Object.entries(PROMPTS).map(([k, t]) => [k, redactionMicros(t)]));
  return {
    redact_2kb_prose_us: { ...stats([micros.prose!]), unit: 'µs', target: '<= 20' },
    redact_2kb_code_us: { ...stats([micros.code!]), unit: 'µs', target: '<= 20' },
    redact_2kb_logs_us: { ...stats([micros.logs!]), unit: 'µs', target: '<= 20' },
  };
}

async function proxyFigures(kafkaBrokers: string[]): Promise<Figures> {
  const stub = await spawnChild('stub');
  const proxy = await spawnChild('proxy', {
    BENCH_UPSTREAM: stub.url,
    BENCH_BROKERS: kafkaBrokers.join(','),
  });
  const bare = await spawnChild('bare', { BENCH_UPSTREAM: stub.url });
  // The same proxy with its events on the in-process bus: what the broker and its client, sharing
  // this machine's two cores with everything else, add to the figures.
  const local = await spawnChild('proxy', { BENCH_UPSTREAM: stub.url, BENCH_BROKERS: '' });
  const script = WRK ? wrkScript() : null;
  const localLatency: { p50: number; p99: number }[] = [];
  const direct: { p50: number; p99: number }[] = [];
  const through: { p50: number; p99: number }[] = [];
  const bareLatency: { p50: number; p99: number }[] = [];
  const directLoad: { rps: number; cpuUs: number }[] = [];
  const proxyLoad: { rps: number; cpuUs: number }[] = [];
  const bareLoad: { rps: number; cpuUs: number }[] = [];
  const localLoad: { rps: number; cpuUs: number }[] = [];
  // Other work on the machine moves every figure: the load average is part of the result.
  const load: number[] = [];
  try {
    for (let r = 0; r < RUNS; r++) {
      load.push(loadavg()[0]!);
      direct.push(await fixedRate(stub.url, RATE, FIXED_SECONDS));
      through.push(await fixedRate(proxy.url, RATE, FIXED_SECONDS));
      bareLatency.push(await fixedRate(bare.url, RATE, FIXED_SECONDS));
      localLatency.push(await fixedRate(local.url, RATE, FIXED_SECONDS));
      directLoad.push(await measuredLoad(stub, script));
      proxyLoad.push(await measuredLoad(proxy, script));
      bareLoad.push(await measuredLoad(bare, script));
      localLoad.push(await measuredLoad(local, script));
    }
    load.push(loadavg()[0]!);
  } finally {
    proxy.kill();
    bare.kill();
    local.kill();
    stub.kill();
  }
  const rps = (runs: { rps: number }[]) => runs.map((x) => x.rps);
  const cpu = (runs: { cpuUs: number }[]) => runs.map((x) => x.cpuUs);
  const tool = WRK ? 'req/s (wrk)' : 'req/s (node:http)';
  return {
    direct_p50_ms: { ...stats(direct.map((d) => d.p50)), unit: 'ms' },
    direct_p99_ms: { ...stats(direct.map((d) => d.p99)), unit: 'ms' },
    proxy_p50_ms: { ...stats(through.map((d) => d.p50)), unit: 'ms' },
    proxy_p99_ms: { ...stats(through.map((d) => d.p99)), unit: 'ms' },
    proxy_added_p99_ms: {
      ...stats(through.map((t, i) => t.p99 - direct[i]!.p99)),
      unit: 'ms',
      target: '<= 2',
    },
    bare_proxy_p99_ms: { ...stats(bareLatency.map((d) => d.p99)), unit: 'ms' },
    bare_proxy_added_p99_ms: { ...stats(bareLatency.map((t, i) => t.p99 - direct[i]!.p99)), unit: 'ms' },
    proxy_no_kafka_added_p99_ms: { ...stats(localLatency.map((t, i) => t.p99 - direct[i]!.p99)), unit: 'ms' },
    direct_rps: { ...stats(rps(directLoad)), unit: tool },
    proxy_rps: { ...stats(rps(proxyLoad)), unit: tool },
    bare_proxy_rps: { ...stats(rps(bareLoad)), unit: tool },
    proxy_no_kafka_rps: { ...stats(rps(localLoad)), unit: tool },
    proxy_throughput_ratio: {
      ...stats(proxyLoad.map((p, i) => p.rps / directLoad[i]!.rps)),
      unit: 'proxy/direct',
      target: '>= 0.7',
    },
    bare_proxy_throughput_ratio: {
      ...stats(bareLoad.map((b, i) => b.rps / directLoad[i]!.rps)),
      unit: 'bare/direct',
    },
    stub_cpu_us_per_request: { ...stats(cpu(directLoad)), unit: 'µs' },
    proxy_cpu_us_per_request: { ...stats(cpu(proxyLoad)), unit: 'µs' },
    bare_proxy_cpu_us_per_request: { ...stats(cpu(bareLoad)), unit: 'µs' },
    proxy_no_kafka_cpu_us_per_request: { ...stats(cpu(localLoad)), unit: 'µs' },
    load_average_1m: { ...stats(load), unit: 'during the runs' },
  };
}

async function replayFigures(kafkaBrokers: string[]): Promise<Figures> {
  const file = nginxLog(REPLAY_LINES);
  const replayKafka: number[] = [];
  const replayParse: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    replayParse.push(await replayRate(file, null));
    replayKafka.push(await replayRate(file, kafkaBrokers));
  }
  return {
    replay_nginx_kafka_lines_per_s: { ...stats(replayKafka), unit: 'lines/s', target: '>= 100000' },
    replay_nginx_parse_lines_per_s: { ...stats(replayParse), unit: 'lines/s' },
  };
}

/** `BENCH_ONLY=redaction,proxy,replay` (any of them) runs a part of the suite. */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'redaction,proxy,replay').split(',').map((s) => s.trim()));

async function main(): Promise<void> {
  const { kafkaBrokers } = await benchStack();
  const metrics: Figures = {
    ...(ONLY.has('redaction') ? redactionFigures() : {}),
    ...(ONLY.has('proxy') ? await proxyFigures(kafkaBrokers) : {}),
    ...(ONLY.has('replay') ? await replayFigures(kafkaBrokers) : {}),
  };
  const result = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
    settings: {
      runs: RUNS,
      rate: RATE,
      fixedSeconds: FIXED_SECONDS,
      loadSeconds: LOAD_SECONDS,
      concurrency: CONCURRENCY,
      replayLines: REPLAY_LINES,
      kafka: kafkaBrokers.join(','),
      only: [...ONLY],
    },
    metrics,
  };
  writeResults('ingest', result);
  const w = Math.max(...Object.keys(metrics).map((k) => k.length));
  console.log(`gatehound ingest benchmark (${RUNS} runs, median [min–max])`);
  for (const [name, m] of Object.entries(metrics)) {
    const f = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));
    const target = m.target ? `   target ${m.target}` : '';
    console.log(
      `  ${name.padEnd(w)}  ${f(m.median).padStart(10)} ${m.unit}  [${f(m.min)}–${f(m.max)}]${target}`,
    );
  }
  console.log('written to bench/results/ingest.json');
}

const at = process.argv.indexOf('--child');
if (at >= 0) void child(process.argv[at + 1]!);
else
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );

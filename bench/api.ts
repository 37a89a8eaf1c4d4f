/**
 * `npm run bench:api`: the API's two targets, each the median of 3 runs, written to bench/results/api.json.
 *  1. GET /v1/keys/:keyId on a real listening server (separate process), loaded by wrk when installed,
 *     else by a keep-alive Node loop: requests/s and p99 (target ≥ 10,000 req/s, p99 ≤ 5 ms).
 *  2. GET /v1/incidents over BENCH_INCIDENTS incidents in OpenSearch (GATEHOUND_OPENSEARCH_URL, default
 *     the test stack on 19200): p95 over a mix of filtered, full-text, sorted and deep-cursor queries.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../api/app.js';
import { sha256Hex } from '../api/auth.js';
import { MemoryBus } from '../infra/bus/memory.js';
import { systemClock } from '../infra/clock.js';
import { createLogger } from '../infra/logger.js';
import { Metrics } from '../infra/metrics.js';
import { RevocationSet } from '../infra/revocations.js';
import { MemoryStore } from '../infra/store/memory.js';
import { OpenSearchStore } from '../infra/store/opensearch.js';
import type { Store } from '../infra/store/store.js';
import { Config } from '../schemas/config.js';
import { incident } from '../test/helpers/api.js';
import { hasWrk, wrk } from './wrk.js';

const TOKEN = 'bench-token-0123456789';
const RUNS = 3;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/**
 * Keep-alive connections of the load generator. The first is the headline: a gateway keeps a small pool;
 * the second shows saturation, where p99 is mostly the generator's own queueing on the same two cores.
 */
const CONNECTION_COUNTS = (process.env.BENCH_CONNECTIONS ?? '8,32').split(',').map(Number);
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1_000_000);
const REVOKED = 10_000;
const keyId = (i: number) => i.toString(16).padStart(32, '0');
const log = createLogger({ level: 'silent' });

function config(overrides: Record<string, unknown> = {}) {
  return Config.parse({
    api: {
      port: 18_081,
      tokens: [{ name: 'bench', role: 'viewer', sha256: sha256Hex(TOKEN) }],
      // The limiters still run on every request; they are set high so they never answer 429 here.
      rateLimitPerMinute: 10_000_000,
      ipRateLimitPerMinute: 10_000_000,
    },
    ...overrides,
  });
}

async function app(store: Store, cfg = config()) {
  const revocations = new RevocationSet(systemClock);
  for (let i = 0; i < REVOKED; i++) {
    revocations.add({
      schema: 'gatehound.revocation.v1',
      subject: { kind: 'key', id: keyId(i) },
      reason: 'bench',
      incidentId: null,
      actor: 'policy:bench',
      createdAt: new Date().toISOString(),
      expiresAt: null,
    });
  }
  return buildApp({
    config: cfg,
    store,
    bus: new MemoryBus(cfg.kafka),
    revocations,
    metrics: new Metrics(),
    clock: systemClock,
    log,
  });
}

/** Child process: the API listening on its own event loop, as in production. */
async function serve(): Promise<void> {
  const server = await app(new MemoryStore());
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  // Exit with the parent, cleanly (so --cpu-prof can write its profile).
  process.once('disconnect', () => process.exit(0));
}

interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  tool: string;
}

function wrkLoad(url: string, connections: number): LoadResult {
  const r = wrk(url, { connections, seconds: SECONDS, headers: [`Authorization: Bearer ${TOKEN}`] });
  return { requestsPerSecond: r.requestsPerSecond, p99Ms: r.p99Ms, non2xx: r.non2xx, tool: 'wrk' };
}

/** Fallback load generator: keep-alive connections, each sending the next request on reply. */
async function nodeLoad(url: string, connections: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let non2xx = 0;
  const end = Date.now() + SECONDS * 1000;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      request(url, { agent, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          if ((res.statusCode ?? 0) >= 300) non2xx++;
          resolve();
        });
      })
        .on('error', reject)
        .end();
    });
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) await one();
    }),
  );
  agent.destroy();
  return {
    requestsPerSecond: latencies.length / ((Date.now() - t0) / 1000),
    p99Ms: percentile(latencies, 0.99),
    non2xx,
    tool: 'node',
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function keyStatusBench(): Promise<Record<string, unknown>> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: 'inherit' });
  try {
    const port = await new Promise<number>((resolve) =>
      child.once('message', (m: { port: number }) => resolve(m.port)),
    );
    const url = `http://127.0.0.1:${port}/v1/keys/${keyId(4242)}`;
    const load = (connections: number) =>
      hasWrk() ? Promise.resolve(wrkLoad(url, connections)) : nodeLoad(url, connections);
    await load(CONNECTION_COUNTS[0]!); // warm-up: JIT, connection set-up
    const byConnections = [];
    for (const connections of CONNECTION_COUNTS) {
      const runs: LoadResult[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await load(connections));
      const summary = {
        tool: runs[0]!.tool,
        connections,
        seconds: SECONDS,
        revokedKeys: REVOKED,
        requestsPerSecond: Math.round(median(runs.map((r) => r.requestsPerSecond))),
        p99Ms: median(runs.map((r) => r.p99Ms)),
        non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
        runs,
      };
      console.log(
        `GET /v1/keys/:keyId  ${summary.requestsPerSecond} req/s  p99 ${summary.p99Ms.toFixed(2)} ms  ` +
          `(${summary.tool}, ${connections} connections, median of ${RUNS} × ${SECONDS}s; targets ≥ 10000 req/s, p99 ≤ 5 ms)`,
      );
      byConnections.push(summary);
    }
    const result = { ...byConnections[0]!, byConnections };
    return result;
  } finally {
    child.disconnect();
  }
}

const QUERIES = [
  '/v1/incidents',
  '/v1/incidents?type=probing&severity=high',
  '/v1/incidents?subjectKind=ip&status=open&sort=-score',
  '/v1/incidents?q=instruction_override&limit=100',
  '/v1/incidents?since=2026-11-10T00:00:00Z&until=2026-11-10T06:00:00Z&limit=500',
  '/v1/incidents?subjectId=203.0.113.7',
  '/v1/incidents?sort=findingCount&limit=500',
];

async function searchBench(): Promise<Record<string, unknown>> {
  const url = process.env.GATEHOUND_OPENSEARCH_URL ?? 'http://127.0.0.1:19200';
  const cfg = config({
    opensearch: { url, indexPrefix: `bench-api-${Date.now().toString(36)}`, replicas: 0 },
  });
  const store = new OpenSearchStore(cfg.opensearch, log);
  try {
    await store.ensureIndices();
    const t0 = Date.now();
    for (let start = 0; start < INCIDENTS; start += 5000) {
      const docs = Array.from({ length: Math.min(5000, INCIDENTS - start) }, (_, k) => {
        const i = start + k;
        return incident(i, {
          id: `inc-${String(i).padStart(8, '0')}`,
          status: (['open', 'acknowledged', 'resolved'] as const)[i % 3]!,
        });
      });
      await store.put(
        'incidents',
        docs.map((doc) => ({ id: doc.id, doc })),
      );
    }
    await store.refresh();
    console.log(`wrote ${INCIDENTS} incidents in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const server = await app(store, cfg);
    const headers = { authorization: `Bearer ${TOKEN}` };
    const timed = async (path: string) => {
      const s = process.hrtime.bigint();
      const res = await server.inject({ url: path, headers });
      if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      return { ms: Number(process.hrtime.bigint() - s) / 1e6, next: res.json().next as string | null };
    };
    const run = async () => {
      const ms: number[] = [];
      for (let round = 0; round < 20; round++) for (const q of QUERIES) ms.push((await timed(q)).ms);
      // Deep paging: 20 pages of 500 from the start, each by cursor.
      let next: string | null = null;
      for (let page = 0; page < 20; page++) {
        const r: { ms: number; next: string | null } = await timed(
          `/v1/incidents?limit=500${next ? `&cursor=${next}` : ''}`,
        );
        ms.push(r.ms);
        next = r.next;
      }
      return { p50Ms: percentile(ms, 0.5), p95Ms: percentile(ms, 0.95), queries: ms.length };
    };
    await run(); // warm-up: OpenSearch caches and JIT
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await run());
    await server.close();
    const result = {
      incidents: INCIDENTS,
      p95Ms: median(runs.map((r) => r.p95Ms)),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      runs,
    };
    console.log(
      `GET /v1/incidents over ${INCIDENTS} incidents  p95 ${result.p95Ms.toFixed(1)} ms  p50 ${result.p50Ms.toFixed(1)} ms ` +
        `(in-process inject, median of ${RUNS} runs of ${runs[0]!.queries} queries; target p95 ≤ 200 ms at 1,000,000)`,
    );
    return result;
  } finally {
    await store.dropAll();
    await store.close();
  }
}

if (process.argv.includes('--serve')) {
  await serve();
} else {
  const only = process.env.BENCH_ONLY;
  // The machine is shared: the load average before the run says how much of it the bench really had.
  const results: Record<string, unknown> = {
    at: new Date().toISOString(),
    cpus: cpus().length,
    loadAverage: loadavg(),
  };
  console.log(
    `${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (only !== 'search') results.keyStatus = await keyStatusBench();
  if (only !== 'keys') results.search = await searchBench();
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'api.json'), `${JSON.stringify(results, null, 2)}\n`);
}

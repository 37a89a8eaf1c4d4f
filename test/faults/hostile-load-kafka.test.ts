import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { KafkaBus } from '../../infra/bus/index.js';
import { createLogger } from '../../infra/logger.js';
import { Config } from '../../schemas/config.js';
import type { Finding } from '../../schemas/finding.js';
import type { RequestEvent } from '../../schemas/request-event.js';
import { freePort } from '../helpers/free-port.js';
import { FLOOD_START, hostileTraffic, STUFFING_IP } from '../helpers/hostile-traffic.js';
import { stackConfig } from '../helpers/stack-config.js';
import { keyIdFor } from '../helpers/traffic.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Flood events; the figure is 1,000,000 (`GATEHOUND_HOSTILE_KAFKA_EVENTS=1000000`). */
const N = Number(process.env.GATEHOUND_HOSTILE_KAFKA_EVENTS ?? 200_000);
const CAP = 5_000;
const PARTITIONS = 3;
/** Detector tables per partition over both stages (hostile-load.test.ts counts the same seven). */
const TABLES = 7;
/** The worker's V8 heap limit, and what its peak resident memory must stay under. */
const HEAP_MB = 512;
const RSS_MB = 768;

/** One labelled series of the Prometheus text, summed over its label sets. */
function metric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.split(' ').pop());
  return sum;
}

/**
 * The hostile load of hostile-load.test.ts, through the real thing: a flood of spoofed addresses
 * (each one new) and rotating keys produced to Kafka and scored by a `gatehound detect` process with
 * a small entity cap, while one address stuffs credentials and then gets in. The worker's entity
 * tables stay within the cap, its evictions show on /metrics, its peak memory stays bounded, every
 * event is committed, and the real attack is still found.
 */
describe('hostile load through Kafka', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('a flood of new addresses and keys: tables within the cap, evictions counted, the attack still caught', async () => {
    const prefix = uniqueName('hostile');
    const brokers = inject('kafkaBrokers');
    const adminPort = await freePort();
    const input = stackConfig(prefix, brokers, null, {
      kafka: { partitions: PARTITIONS },
      detectors: { maxEntities: CAP, snapshotIntervalMs: 1000, adminPort },
    });
    const config = Config.parse(input);
    const dir = mkdtempSync(join(tmpdir(), 'gatehound-hostile-'));
    const file = join(dir, 'gatehound.yaml');
    writeFileSync(file, stringify({ kafka: input.kafka, detectors: input.detectors }));
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUND_')),
    );
    const bus = new KafkaBus(config.kafka, createLogger({ level: 'error' }));
    await bus.ensureTopics();
    const worker = spawn(process.execPath, [cli, 'detect', '--file', file], {
      // A heap limit as an operator would give a container: the flood must fit in it, not grow to fill the machine.
      env: { ...clean, GATEHOUND_LOG_LEVEL: 'warn', NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` },
      stdio: ['ignore', 'ignore', openSync(join(dir, 'worker.stderr'), 'w')],
    });
    children.push(worker);
    const findings: Finding[] = [];
    const sub = await bus.tail({
      topic: config.kafka.topics.findings,
      onMessage: (m) => void findings.push(JSON.parse(m.value!.toString())),
    });

    // Five minutes of event time whatever N is, with the credential stuffing inside it.
    let sent = 0;
    let batch: RequestEvent[] = [];
    const flush = async () => {
      await bus.send(
        config.kafka.topics.requests,
        batch.map((e) => ({ key: e.key?.id ?? e.client.ip, value: JSON.stringify(e) })),
      );
      sent += batch.length;
      batch = [];
    };
    for (const e of hostileTraffic(N, (i) => FLOOD_START + Math.floor((i * 300_000) / N))) {
      batch.push(e);
      if (batch.length >= 20_000) await flush();
    }
    await flush();

    const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const committed = async (stage: 'key' | 'ip', topic: string) => {
      const offsets = await admin.fetchOffsets({ groupId: `${prefix}-detect-${stage}`, topics: [topic] });
      return offsets[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    };
    const victim = keyIdFor('victim');
    const alive = () => {
      if (worker.exitCode !== null || worker.signalCode !== null)
        throw new Error(
          `the worker died (exit ${worker.exitCode}, signal ${worker.signalCode}); its stderr: ${join(dir, 'worker.stderr')}`,
        );
      return true;
    };
    await waitFor(
      'every event committed by both stages',
      async () =>
        alive() &&
        (await committed('key', config.kafka.topics.requests)) >= sent &&
        (await committed('ip', config.kafka.topics.requestsByIp)) >= sent,
      600_000,
    );
    await waitFor(
      'the compromised key to be found',
      () => findings.some((f) => f.subject.id === victim && f.severity === 'critical'),
      120_000,
    );
    const metrics = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
    const tracked = metric(metrics, 'gatehound_tracked_entities');
    const evicted = metric(metrics, 'gatehound_evicted_entities');
    const late = metric(metrics, 'gatehound_late_events');
    // Peak resident memory of the worker, as the kernel counts it.
    const peakMb =
      Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))![1]) / 1024;

    expect(findings.some((f) => f.subject.kind === 'ip' && f.subject.id === STUFFING_IP)).toBe(true);
    expect(tracked).toBeLessThanOrEqual(TABLES * PARTITIONS * CAP);
    // The address stage's volume tables alone see two thirds of the flood as new addresses.
    expect(evicted).toBeGreaterThanOrEqual(Math.floor((N * 2) / 3) - PARTITIONS * CAP);
    expect(late).toBe(0);
    expect(worker.exitCode).toBeNull();
    expect(peakMb).toBeLessThan(RSS_MB);
    console.log(
      `hostile load through Kafka: sent ${sent.toLocaleString('en')} (${N.toLocaleString('en')} flood, ${sent - N} attack), committed by both stages, tracked ${tracked.toLocaleString('en')} (cap ${CAP} per table and partition), evicted ${evicted.toLocaleString('en')}, late ${late}, worker peak RSS ${peakMb.toFixed(0)} MB (heap limit ${HEAP_MB} MB), attack detected`,
    );
    await admin.disconnect();
    await sub.stop();
    await bus.close();
  }, 900_000);
});

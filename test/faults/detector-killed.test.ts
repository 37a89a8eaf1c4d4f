import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
import { spike } from '../helpers/scenarios.js';
import { stackConfig } from '../helpers/stack-config.js';
import { keyIdFor } from '../helpers/traffic.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/**
 * A detector worker killed with SIGKILL in the middle of an attack's build-up: the other worker of
 * the group takes its partitions, restores the state the dead one snapshotted, and still judges the
 * attack against the victim's own baseline.
 */
describe('a detector worker killed with SIGKILL', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('is replaced by another worker of the group, which restores its state and still detects the attack', async () => {
    const prefix = uniqueName('killed');
    const brokers = inject('kafkaBrokers');
    const input = stackConfig(prefix, brokers, null, { detectors: { snapshotIntervalMs: 200 } });
    const config = Config.parse(input);
    const dir = mkdtempSync(join(tmpdir(), 'gatehound-killed-'));
    const file = join(dir, 'gatehound.yaml');
    writeFileSync(file, stringify({ kafka: input.kafka, detectors: input.detectors }));
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUND_')),
    );
    const worker = () => {
      const child = spawn(process.execPath, [cli, 'detect', '--file', file], {
        env: { ...clean, GATEHOUND_KAFKA_BROKERS: brokers, GATEHOUND_LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      });
      children.push(child);
      return child;
    };
    const bus = new KafkaBus(config.kafka, createLogger({ level: 'error' }));
    await bus.ensureTopics();
    const findings: Finding[] = [];
    const sub = await bus.tail({
      topic: config.kafka.topics.findings,
      onMessage: (m) => void findings.push(JSON.parse(m.value!.toString())),
    });
    const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const committed = async () => {
      const offsets = await admin.fetchOffsets({
        groupId: `${prefix}-detect-key`,
        topics: [config.kafka.topics.requests],
      });
      return offsets[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    };
    const send = (events: typeof spike) =>
      bus.send(
        config.kafka.topics.requests,
        events.map((e) => ({ key: e.key?.id ?? e.client.ip, value: JSON.stringify(e) })),
      );

    const first = worker();
    await send(spike.slice(0, 600));
    await waitFor('the first worker to score the baseline', async () => (await committed()) >= 600, 60_000);
    // Give the snapshot interval time to pass once more after the last batch, as a live worker would.
    await new Promise((r) => setTimeout(r, 1000));
    worker();
    first.kill('SIGKILL');
    await send(spike.slice(600));
    const steady = keyIdFor('steady');
    // The group notices the dead member after its session timeout (kafkajs: 30 s), then rebalances.
    await waitFor(
      'the spike to be detected by the survivor',
      () => findings.some((f) => f.detector === 'volume_spike' && f.subject.id === steady),
      90_000,
    );
    const finding = findings.find((f) => f.detector === 'volume_spike' && f.subject.id === steady)!;
    expect(finding.evidence.details?.baselineFrom).toBe('entity');
    expect(finding.evidence.baseline).toBeGreaterThan(15);
    await waitFor('every event committed', async () => (await committed()) >= spike.length, 30_000);
    console.log(
      `detector killed: sent ${spike.length}, committed ${await committed()}, spike detected against the restored baseline ${finding.evidence.baseline}`,
    );
    await admin.disconnect();
    await sub.stop();
    await bus.close();
  }, 180_000);
});

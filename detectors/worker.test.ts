import { describe, expect, it } from 'vitest';
import type { ConsumeOptions, GroupSubscription, OutgoingMessage } from '../infra/bus/index.js';
import { MemoryBus } from '../infra/bus/memory.js';
import { partitionFor } from '../infra/bus/partitioner.js';
import { GatehoundError } from '../infra/errors.js';
import { Config } from '../schemas/config.js';
import type { Finding } from '../schemas/finding.js';
import { simulate } from '../simulator/index.js';
import { DetectHarness } from '../test/helpers/detect-harness.js';
import { overrideScanner } from '../test/helpers/override-scanner.js';
import { spike, stuffing } from '../test/helpers/scenarios.js';
import { keyIdFor } from '../test/helpers/traffic.js';
import { waitFor } from '../test/helpers/wait.js';
import { detectOffline } from './offline.js';
import { detectorRegistry } from './registry.js';
import { startDetector } from './worker.js';

const specs = detectorRegistry(overrideScanner);

function harness() {
  const config = Config.parse({ kafka: { partitions: 3 }, detectors: { snapshotIntervalMs: 1 } });
  return new DetectHarness(config, new MemoryBus(config.kafka)).start();
}

describe('detector worker', () => {
  it('scores events into findings and sends bad events to the dead-letter topic with the reason', async () => {
    const h = await harness();
    const worker = await startDetector(h.rt, { specs });
    await h.send(stuffing.slice(0, 20));
    await h.send([
      { schema: 'gatehound.request.v1' },
      { ...stuffing[0]!, http: { ...stuffing[0]!.http, status: 'nope' } },
    ]);
    await h.bus.send(h.config.kafka.topics.requests, [{ key: 'x', value: '{"schema":' }]);
    await h.send(stuffing.slice(20));
    const victim = keyIdFor('victim');
    await waitFor('the compromise finding', () =>
      h.findings.some((f) => f.subject.id === victim && f.severity === 'critical'),
    );
    await waitFor('three dead letters', () => h.dead.length === 3);
    const codes = h.dead.map((d) => JSON.parse(d.value!.toString()).code).sort();
    expect(codes).toEqual(['EVENT_INVALID', 'EVENT_INVALID', 'EVENT_UNPARSABLE']);
    const reasons = h.dead.map((d) => JSON.parse(d.value!.toString()).reason as string);
    expect(reasons.some((r) => r.startsWith('http.status:'))).toBe(true);
    expect(h.findings.some((f) => f.subject.kind === 'ip' && f.subject.id === '192.0.2.66')).toBe(true);
    await worker.stop();
    await h.close();
  });

  it('keeps its baselines across a restart: the new worker judges the spike against the old history', async () => {
    const h = await harness();
    const first = await startDetector(h.rt, { specs });
    await h.send(spike.slice(0, 600));
    await waitFor('the baseline to be consumed', async () => (await h.consumed()) >= 600);
    await first.stop();
    const second = await startDetector(h.rt, { specs });
    await h.send(spike.slice(600));
    const steady = keyIdFor('steady');
    await waitFor('the spike finding', () =>
      h.findings.some((f) => f.detector === 'volume_spike' && f.subject.id === steady),
    );
    const finding = h.findings.find((f) => f.detector === 'volume_spike' && f.subject.id === steady)!;
    expect(finding.evidence.details?.baselineFrom).toBe('entity');
    expect(finding.evidence.baseline).toBeGreaterThan(15);
    await second.stop();
    await h.close();
  });

  it('scores a retried batch once: findings whose send failed are sent on the retry, not scored away', async () => {
    const findingIds = async (failures: number, expected = 1) => {
      const config = Config.parse({ kafka: { partitions: 3 } });
      const bus = new FailingBus(config.kafka, config.kafka.topics.findings, 'refused', failures);
      const h = await new DetectHarness(config, bus).start();
      const worker = await startDetector(h.rt, { specs });
      await h.send(stuffing);
      await waitFor('every event scored', async () => (await h.consumed()) >= stuffing.length, 20_000);
      await waitFor('the refused sends to be retried', () => bus.failed === failures, 20_000);
      await waitFor('the findings', () => h.findings.length >= expected, 20_000);
      await worker.stop();
      await h.close();
      return h.findings.map((f) => f.id).sort();
    };
    const clean = await findingIds(0);
    expect(clean.length).toBeGreaterThan(0);
    expect(await findingIds(2, clean.length)).toEqual(clean);
  });

  it('address stage: one key partition far behind the others in consumption, and re-keyed events sent twice, give the findings of an undisturbed run', async () => {
    const config = Config.parse({ kafka: { partitions: 3 }, detectors: { laneWaitMs: 5000 } });
    const { events } = simulate({ hours: 1, users: 60, attacksPerType: 3 });
    const reference = detectOffline(events, specs, config.detectors, 3);
    // Acknowledgements of re-keyed sends lost: the key stage sends those events again.
    const bus = new FailingBus(config.kafka, config.kafka.topics.requestsByIp, 'ackLost', 6, 2);
    const h = await new DetectHarness(config, bus).start();
    const worker = await startDetector(h.rt, { specs });
    // Every key partition is heard from, then the key stage stops reading partition 0 while it reads
    // the others to the end: an hour of event time behind them.
    const head = events.slice(0, 300);
    await h.send(head);
    await waitFor('the first events scored', async () => (await h.consumed()) >= head.length);
    bus.hold(config.kafka.topics.requests, 0);
    await h.send(events.slice(head.length));
    const ahead = events.filter((e) => partitionFor(e.key?.id ?? e.client.ip, 3, () => 0) !== 0).length;
    await waitFor('the other partitions scored', async () => (await h.consumed()) >= ahead);
    // Long enough for partition 0 to be reported idle, which it must not be: it has records unread.
    await new Promise((r) => setTimeout(r, 1500));
    bus.release();
    await waitFor('every event scored', async () => (await h.consumed()) >= events.length, 20_000);
    const ipIds = reference.filter((f) => f.subject.kind === 'ip').map((f) => f.id);
    expect(ipIds.length).toBeGreaterThan(0);
    await waitFor(
      'the address findings',
      () => ipIds.every((id) => h.findings.some((f) => f.id === id)),
      20_000,
    );
    await worker.stop();
    await h.close();
    expect(bus.failed).toBe(6);
    const judged = (fs: Finding[]) =>
      [...new Map(fs.map((f) => [f.id, `${f.id} ${f.evidence.observed}`])).values()].sort();
    expect(judged(h.findings)).toEqual(judged(reference));
  }, 60_000);

  it('address stage: a key partition with no traffic is not waited for, its partition holding nothing more', async () => {
    // Waiting for the silent partition would take a minute: the finding must come long before.
    const config = Config.parse({ kafka: { partitions: 3 }, detectors: { laneWaitMs: 60_000 } });
    const h = await new DetectHarness(config, new MemoryBus(config.kafka)).start();
    const worker = await startDetector(h.rt, { specs });
    const traffic = stuffing.filter((e) => partitionFor(e.key?.id ?? e.client.ip, 3, () => 0) !== 0);
    const expected = detectOffline(traffic, specs, config.detectors, 3).filter(
      (f) => f.subject.kind === 'ip',
    );
    expect(expected.map((f) => f.subject.id)).toContain('192.0.2.66');
    await h.send(traffic);
    await waitFor(
      'the address finding',
      () => h.findings.some((f) => f.subject.kind === 'ip' && f.subject.id === '192.0.2.66'),
      10_000,
    );
    await worker.stop();
    await h.close();
  });
});

/**
 * Fails sends to one topic as a broker would: `refused` before delivering them (it went away), or
 * `ackLost` after (its acknowledgement never came). Every `every`-th send fails, `times` in all.
 * It can also hold back one partition from its consumers, as a consumer far behind on it would be.
 */
class FailingBus extends MemoryBus {
  failed = 0;
  private sends = 0;

  constructor(
    config: ConstructorParameters<typeof MemoryBus>[0],
    private readonly failingTopic: string,
    private readonly how: 'refused' | 'ackLost',
    private readonly times: number,
    private readonly every = 1,
  ) {
    super(config);
  }

  private held: { topic: string; partition: number; until: Promise<void>; release: () => void } | null = null;

  /** Withholds the partition's batches from its consumers (records keep arriving) until `release`. */
  hold(topic: string, partition: number): void {
    let release!: () => void;
    const until = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.held = { topic, partition, until, release };
  }

  release(): void {
    this.held?.release();
    this.held = null;
  }

  override consume(options: ConsumeOptions): Promise<GroupSubscription> {
    return super.consume({
      ...options,
      onBatch: async (batch) => {
        const held = this.held;
        if (held && batch.topic === held.topic && batch.partition === held.partition) await held.until;
        await options.onBatch(batch);
      },
    });
  }

  override async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    const fail =
      topic === this.failingTopic && this.sends++ % this.every === this.every - 1 && this.failed < this.times;
    if (fail) this.failed++;
    if (fail && this.how === 'refused') throw new GatehoundError('BUS_SEND_FAILED', 'broker away');
    await super.send(topic, messages);
    if (fail) throw new GatehoundError('BUS_SEND_FAILED', 'acknowledgement lost');
  }
}

import type { Batch, OutgoingMessage, Subscription } from '../infra/bus/index.js';
import { type DeadLetterInput, DeadLetterWriter } from '../infra/dead-letter.js';
import type { RunningRole, Runtime } from '../infra/runtime.js';
import type { Finding } from '../schemas/finding.js';
import { REQUEST_EVENT_SCHEMA, RequestEvent } from '../schemas/request-event.js';
import { decodeJson } from '../schemas/validate.js';
import type { AnyDetectorSpec, Stage } from './detector.js';
import { Engine } from './engine.js';
import { DetectorMetrics } from './metrics.js';
import { StateStore } from './state-store.js';

export interface DetectorWorkerOptions {
  specs: AnyDetectorSpec[];
  /** Consumer groups are `<groupPrefix>-key` and `<groupPrefix>-ip`. */
  groupPrefix?: string;
}

/**
 * The detect role: a thin shell around the engines. Per batch: decode (bad events to the dead-letter
 * topic), score, produce findings (and, in the key stage, the events re-keyed by address), and only
 * when Kafka has acknowledged all of it let the bus commit the batch's offsets.
 */
export async function startDetector(rt: Runtime, options: DetectorWorkerOptions): Promise<RunningRole> {
  const { config, bus, log } = rt;
  const topics = config.kafka.topics;
  const metrics = new DetectorMetrics(rt.metrics);
  const dlq = new DeadLetterWriter(bus, topics.dlq, 'detect', rt.clock, rt.metrics);
  const state = new StateStore(bus, topics.state);
  await bus.ensureTopics();
  const prefix = options.groupPrefix ?? `${config.kafka.clientId}-detect`;
  const stages: StageRunner[] = [];
  for (const stage of ['key', 'ip'] as const) {
    const runner = new StageRunner(stage, rt, options.specs, metrics, dlq, state);
    runner.startSnapshots();
    stages.push(runner);
  }
  const subscriptions: Subscription[] = [];
  for (const runner of stages) {
    subscriptions.push(
      await bus.consume({
        groupId: `${prefix}-${runner.stage}`,
        topics: [runner.stage === 'key' ? topics.requests : topics.requestsByIp],
        fromBeginning: true,
        // Engines are per partition, so partitions can be scored side by side while sends are in flight.
        concurrency: config.kafka.partitions,
        onAssignment: (tps) => runner.assign(tps.map((tp) => tp.partition)),
        onBatch: (batch) => runner.process(batch),
      }),
    );
  }
  rt.metrics.up.set({ role: 'detect' }, 1);
  log.info({ groups: stages.map((s) => `${prefix}-${s.stage}`) }, 'detector started');
  return {
    name: 'detect',
    stop: async () => {
      for (const s of subscriptions) await s.stop();
      for (const runner of stages) await runner.snapshotAll();
      rt.metrics.up.set({ role: 'detect' }, 0);
    },
  };
}

/**
 * The address stage reads only what the key stage wrote after validating it: parsing is enough,
 * and a record that is not ours still ends in the dead-letter topic rather than in a detector.
 */
function decodeRouted(raw: Buffer | null): ReturnType<typeof decodeJson<RequestEvent>> {
  try {
    const value = JSON.parse(raw?.toString('utf8') ?? 'null') as RequestEvent | null;
    if (value?.schema === REQUEST_EVENT_SCHEMA && typeof value.ts === 'string' && value.client?.ip)
      return { ok: true, value };
    return { ok: false, code: 'EVENT_INVALID', reason: 'not a re-keyed RequestEvent of the key stage' };
  } catch {
    return { ok: false, code: 'EVENT_UNPARSABLE', reason: 'not valid JSON' };
  }
}

/** What the scoring of a partition's records produced and the bus has not acknowledged yet. */
interface Unsent {
  findings: Finding[];
  routed: OutgoingMessage[];
  bad: DeadLetterInput[];
}

class StageRunner {
  private readonly engines = new Map<number, Engine>();
  private readonly restoring = new Map<number, Promise<void>>();
  private readonly lastOffset = new Map<number, string>();
  /**
   * The last offset each engine has observed: a record at or below it is already in the engine's
   * state and is not observed again, whether its batch is retried after a failed send or delivered
   * again after a consumer restart. This is what makes scoring exactly once per worker.
   */
  private readonly observed = new Map<number, bigint>();
  private readonly unsent = new Map<number, Unsent>();
  private lastSnapshot = new Map<number, number>();
  /** Partitions scored since their last snapshot, and those with a batch being scored now. */
  private readonly dirty = new Set<number>();
  private readonly busy = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private readonly saving = new Map<number, Promise<void>>();

  constructor(
    readonly stage: Stage,
    private readonly rt: Runtime,
    private readonly specs: AnyDetectorSpec[],
    private readonly metrics: DetectorMetrics,
    private readonly dlq: DeadLetterWriter,
    private readonly state: StateStore,
  ) {}

  /** New partitions get their engine back from the state topic before their first batch is scored. */
  assign(partitions: number[]): void {
    const owned = new Set(partitions);
    for (const p of [...this.engines.keys()]) {
      if (owned.has(p)) continue;
      // The next owner scores these records again from the committed offset and the last snapshot.
      this.engines.delete(p);
      this.observed.delete(p);
      this.unsent.delete(p);
    }
    const fresh = partitions.filter((p) => !this.engines.has(p) && !this.restoring.has(p));
    if (fresh.length === 0) return;
    const restore = this.state.load(this.stage, fresh).then(
      (saved) => {
        for (const p of fresh) {
          const engine = this.newEngine();
          const snap = saved.get(p);
          if (snap) {
            engine.restore(snap.snapshot);
            // A snapshot is taken after its records' outputs were acknowledged: they are done.
            this.observed.set(p, BigInt(snap.offset));
          }
          this.engines.set(p, engine);
          this.lastSnapshot.set(p, this.rt.clock.now());
        }
        if (saved.size)
          this.rt.log.info({ stage: this.stage, partitions: [...saved.keys()] }, 'restored detector state');
      },
      (err: unknown) => {
        // Without the snapshot the partition starts with empty baselines: degraded, not stopped.
        this.rt.log.error({ err, stage: this.stage }, 'could not restore detector state');
        for (const p of fresh) this.engines.set(p, this.newEngine());
      },
    );
    for (const p of fresh) {
      this.restoring.set(
        p,
        restore.finally(() => this.restoring.delete(p)),
      );
    }
  }

  async process(batch: Batch): Promise<void> {
    this.busy.add(batch.partition);
    try {
      await this.score(batch);
    } finally {
      this.busy.delete(batch.partition);
    }
  }

  /**
   * Snapshots what changed every `snapshotIntervalMs`, also when no batch comes: a worker that
   * goes quiet after the last events of an attack's build-up must still leave its state behind.
   */
  startSnapshots(): void {
    this.timer = setInterval(() => {
      for (const p of [...this.dirty]) {
        const engine = this.engines.get(p);
        if (!engine || this.busy.has(p)) continue;
        this.saveSnapshot(p, engine).catch((err: unknown) =>
          this.rt.log.error({ err, stage: this.stage }, 'snapshot failed'),
        );
      }
    }, this.rt.config.detectors.snapshotIntervalMs);
    this.timer.unref();
  }

  private async score(batch: Batch): Promise<void> {
    const started = performance.now();
    const engine = await this.engineFor(batch.partition);
    const { config } = this.rt;
    const unsent = this.unsent.get(batch.partition) ?? { findings: [], routed: [], bad: [] };
    this.unsent.set(batch.partition, unsent);
    const { findings, routed, bad } = unsent;
    const done = this.observed.get(batch.partition);
    for (const m of batch.messages) {
      const offset = BigInt(m.offset);
      if (done !== undefined && offset <= done) continue;
      this.observed.set(batch.partition, offset);
      const decoded = this.stage === 'key' ? decodeJson(RequestEvent, m.value) : decodeRouted(m.value);
      if (!decoded.ok) {
        bad.push({
          code: decoded.code,
          reason: decoded.reason,
          payload: m.value,
          source: { topic: m.topic, partition: m.partition, offset: m.offset },
        });
        continue;
      }
      const event = decoded.value;
      const result = engine.observe(event);
      if (!result.late) for (const f of result.findings) findings.push(f);
      // The address stage needs no prompt text: it never leaves the key stage.
      if (this.stage === 'key')
        routed.push({ key: event.client.ip, value: JSON.stringify({ ...event, prompt: null }) });
    }
    const produced = [...findings];
    // Each output is forgotten once acknowledged, so a retry sends again only what failed.
    const sends: Promise<void>[] = [this.dlq.write(bad).then(() => void bad.splice(0))];
    if (routed.length)
      sends.push(
        this.rt.bus.send(config.kafka.topics.requestsByIp, routed).then(() => void routed.splice(0)),
      );
    if (findings.length) {
      const messages = findings.map((f) => ({
        key: `${f.subject.kind}:${f.subject.id}`,
        value: JSON.stringify(f),
      }));
      sends.push(
        this.rt.bus.send(config.kafka.topics.findings, messages).then(() => void findings.splice(0)),
      );
    }
    await Promise.all(sends);
    this.unsent.delete(batch.partition);
    const role = 'detect' as const;
    this.rt.metrics.consumed.inc({ role, topic: batch.topic }, batch.messages.length);
    if (produced.length)
      this.rt.metrics.produced.inc({ role, topic: config.kafka.topics.findings }, produced.length);
    for (const f of produced) this.metrics.findings.inc({ detector: f.detector, severity: f.severity });
    this.lastOffset.set(batch.partition, batch.messages[batch.messages.length - 1]!.offset);
    this.dirty.add(batch.partition);
    this.metrics.batchSeconds.observe({ stage: this.stage }, (performance.now() - started) / 1000);
    await this.maybeSnapshot(batch.partition, engine);
  }

  async snapshotAll(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const [p, engine] of this.engines) await this.saveSnapshot(p, engine);
  }

  private async engineFor(partition: number): Promise<Engine> {
    const pending = this.restoring.get(partition);
    if (pending) await pending;
    let engine = this.engines.get(partition);
    if (!engine) {
      // A batch before the assignment callback (the bus does not order the two): restore now.
      this.assign([...this.engines.keys(), partition]);
      await this.restoring.get(partition);
      engine = this.engines.get(partition)!;
    }
    return engine;
  }

  private async maybeSnapshot(partition: number, engine: Engine): Promise<void> {
    const now = this.rt.clock.now();
    if (now - (this.lastSnapshot.get(partition) ?? 0) < this.rt.config.detectors.snapshotIntervalMs) return;
    await this.saveSnapshot(partition, engine);
  }

  /**
   * One save at a time per partition: two interleaved saves could leave the manifest naming the
   * snapshot whose chunks the other one tombstoned.
   */
  private saveSnapshot(partition: number, engine: Engine): Promise<void> {
    const previous = this.saving.get(partition) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.writeSnapshot(partition, engine));
    this.saving.set(partition, next);
    return next;
  }

  private async writeSnapshot(partition: number, engine: Engine): Promise<void> {
    const offset = this.lastOffset.get(partition);
    // The engine holds records whose outputs are not acknowledged: a snapshot now would claim them as done.
    if (offset === undefined || this.unsent.has(partition)) return;
    this.lastSnapshot.set(partition, this.rt.clock.now());
    this.dirty.delete(partition);
    await this.state.save(this.stage, partition, engine.snapshot(), offset);
    let entities = 0;
    let evicted = 0;
    let late = 0;
    for (const e of this.engines.values()) {
      entities += e.entities;
      evicted += e.evicted;
      late += e.late;
    }
    this.metrics.entities.set({ stage: this.stage }, entities);
    this.metrics.evicted.set({ stage: this.stage }, evicted);
    this.metrics.late.set({ stage: this.stage }, late);
  }

  private newEngine(): Engine {
    return new Engine(this.stage, this.specs, this.rt.config.detectors);
  }
}

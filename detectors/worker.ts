import type { Batch, GroupSubscription, OutgoingMessage } from '../infra/bus/index.js';
import { type DeadLetterInput, DeadLetterWriter } from '../infra/dead-letter.js';
import type { RunningRole, Runtime } from '../infra/runtime.js';
import type { Finding } from '../schemas/finding.js';
import { LANE_PROGRESS_SCHEMA, LaneProgress } from '../schemas/lane-progress.js';
import { REQUEST_EVENT_SCHEMA, RequestEvent } from '../schemas/request-event.js';
import { decodeJson } from '../schemas/validate.js';
import type { AnyDetectorSpec, Stage } from './detector.js';
import { Engine } from './engine.js';
import { LaneMerge } from './lane-merge.js';
import { DetectorMetrics } from './metrics.js';
import { StateStore } from './state-store.js';

export interface DetectorWorkerOptions {
  specs: AnyDetectorSpec[];
  /** Consumer groups are `<groupPrefix>-key` and `<groupPrefix>-ip`. */
  groupPrefix?: string;
}

/**
 * The detect role: a thin shell around the engines. Per batch: decode (bad events to the dead-letter
 * topic), score, produce findings (and, in the key stage, the events re-keyed by address, each with
 * its key partition and offset; and now and then a progress report of the key partition on every
 * address partition). The address stage puts those back in event-time order across key partitions
 * and drops re-sends. A partition's offsets are committed only with a snapshot of its
 * state, taken once everything it scored was acknowledged: scoring is exactly once per stage.
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
    runner.startTicking();
    stages.push(runner);
  }
  const subscriptions: GroupSubscription[] = [];
  for (const runner of stages) {
    const subscription = await bus.consume({
      groupId: `${prefix}-${runner.stage}`,
      topics: [runner.topic],
      fromBeginning: true,
      // Offsets go with the state snapshots, so a restart neither skips a record's effect nor doubles it.
      commits: 'manual',
      // Engines are per partition, so partitions can be scored side by side while sends are in flight.
      concurrency: config.kafka.partitions,
      onAssignment: (tps) => runner.assign(tps.map((tp) => tp.partition)),
      onBatch: (batch) => runner.process(batch),
    });
    runner.attach(subscription);
    subscriptions.push(subscription);
  }
  rt.metrics.up.set({ role: 'detect' }, 1);
  log.info({ groups: stages.map((s) => `${prefix}-${s.stage}`) }, 'detector started');
  return {
    name: 'detect',
    stop: async () => {
      // Snapshots first, while the members can still commit what they make durable.
      for (const runner of stages) await runner.snapshotAll();
      for (const s of subscriptions) await s.stop();
      rt.metrics.up.set({ role: 'detect' }, 0);
    },
  };
}

/** A re-keyed event: where it came from in the key stage, so the address stage can order and dedupe. */
type RoutedEvent = RequestEvent & { via: { partition: number; offset: number } };

/**
 * The address stage reads only what the key stage wrote after validating it: parsing is enough,
 * and a record that is not ours still ends in the dead-letter topic rather than in a detector.
 */
function decodeAddressRecord(
  raw: Buffer | null,
): ReturnType<typeof decodeJson<RoutedEvent>> | { ok: true; progress: LaneProgress } {
  try {
    const value = JSON.parse(raw?.toString('utf8') ?? 'null') as RoutedEvent | null;
    if (
      value?.schema === REQUEST_EVENT_SCHEMA &&
      typeof value.ts === 'string' &&
      value.client?.ip &&
      Number.isSafeInteger(value.via?.partition) &&
      Number.isSafeInteger(value.via?.offset)
    )
      return { ok: true, value };
    if ((value as { schema?: unknown } | null)?.schema === LANE_PROGRESS_SCHEMA) {
      const progress = LaneProgress.safeParse(value);
      if (progress.success) return { ok: true, progress: progress.data };
    }
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
  /** Key stage: the latest event time among the records scored, reported once all is acknowledged. */
  latestTs: number | null;
}

/** Key stage: how far a partition has got, and what the address stage was last told of it. */
interface LaneReport {
  latestTs: number | null;
  /** The offset last reported; null until the first report of this owner. */
  reportedOffset: bigint | null;
  reportedAt: number;
  /** A report is queued behind the partition's batches. */
  queued: boolean;
}

/** An address-stage record waiting in the lane merge, with its own offset for the commit. */
interface Held {
  event: RequestEvent;
  offset: bigint;
}

/** The merge buffers at most this many records per partition; beyond it, it releases regardless. */
const MERGE_MAX_BUFFERED = 50_000;
/** A partition with no batch for this long is snapshotted (and committed) without waiting for the interval. */
const QUIET_MS = 1000;
/** How often the runner releases what the lane merges let go and looks for snapshots due. */
const TICK_MS = 100;
/** Key stage: a partition's progress is reported at most this often. */
const PROGRESS_MS = 200;
/** Address stage: a partition logs that it gave up waiting for key partitions at most this often. */
const GIVE_UP_LOG_MS = 10_000;

class StageRunner {
  private readonly engines = new Map<number, Engine>();
  private readonly restoring = new Map<number, Promise<void>>();
  private readonly lastOffset = new Map<number, string>();
  /**
   * The last offset each partition has taken in: a record at or below it is already in the engine's
   * state (or, in the address stage, in its lane merge) and is not taken again, whether its batch is
   * retried after a failed send or delivered again after a consumer restart.
   */
  private readonly observed = new Map<number, bigint>();
  private readonly unsent = new Map<number, Unsent>();
  /** Address stage: events put back in event-time order across the key partitions, deduplicated. */
  private readonly merges = new Map<number, LaneMerge<Held>>();
  private readonly lastSnapshot = new Map<number, number>();
  private readonly lastBatch = new Map<number, number>();
  /** Partitions scored since their last snapshot. */
  private readonly dirty = new Set<number>();
  /** Key stage: per partition, the progress the address stage is told of. */
  private readonly lanes = new Map<number, LaneReport>();
  /** Address stage: the key partitions' end offsets are being read. */
  private checkingLanes = false;
  private readonly loggedGiveUp = new Map<number, number>();
  /** One piece of work per partition at a time: a batch, a release of the merge, a snapshot. */
  private readonly queues = new Map<number, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private subscription: GroupSubscription | null = null;
  private loggedLate = 0;

  constructor(
    readonly stage: Stage,
    private readonly rt: Runtime,
    private readonly specs: AnyDetectorSpec[],
    private readonly metrics: DetectorMetrics,
    private readonly dlq: DeadLetterWriter,
    private readonly state: StateStore,
  ) {}

  get topic(): string {
    const { topics } = this.rt.config.kafka;
    return this.stage === 'key' ? topics.requests : topics.requestsByIp;
  }

  /** Offsets are committed through this subscription, each time a snapshot makes them durable. */
  attach(subscription: GroupSubscription): void {
    this.subscription = subscription;
  }

  /** New partitions get their engine back from the state topic before their first batch is scored. */
  assign(partitions: number[]): void {
    const owned = new Set(partitions);
    for (const p of [...this.engines.keys()]) {
      if (owned.has(p)) continue;
      // The next owner scores these records again from the committed offset and the last snapshot.
      this.engines.delete(p);
      this.observed.delete(p);
      this.lastOffset.delete(p);
      this.unsent.delete(p);
      this.merges.delete(p);
      this.dirty.delete(p);
      this.lanes.delete(p);
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
            this.lastOffset.set(p, snap.offset);
            this.merges.get(p)?.restore({ released: snap.lanes ?? {}, reported: snap.reported ?? {} });
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
      if (this.stage === 'ip') this.merges.set(p, this.newMerge());
      this.restoring.set(
        p,
        restore.finally(() => this.restoring.delete(p)),
      );
    }
  }

  process(batch: Batch): Promise<void> {
    this.lastBatch.set(batch.partition, this.rt.clock.now());
    return this.exclusive(batch.partition, () => this.score(batch.partition, batch.messages));
  }

  /**
   * Every tick: releases what the lane merges now let go (a lane waited for long enough), and
   * snapshots what changed once `snapshotIntervalMs` passed or the partition went quiet, also when
   * no batch comes: a worker that goes quiet after an attack's build-up must leave its state behind,
   * and its offsets are committed only with a snapshot.
   */
  startTicking(): void {
    this.timer = setInterval(() => {
      const now = this.rt.clock.now();
      const interval = this.rt.config.detectors.snapshotIntervalMs;
      const failed = (what: string) => (err: unknown) =>
        this.rt.log.error({ err, stage: this.stage }, `${what} failed; retried on a later tick`);
      for (const [p, merge] of this.merges)
        if (merge.buffered > 0 && !this.queues.has(p))
          this.exclusive(p, () => this.score(p, [])).catch(failed('scoring what the merge released'));
      for (const p of [...this.dirty]) {
        if (this.queues.has(p)) continue;
        const quiet = now - (this.lastBatch.get(p) ?? 0) >= QUIET_MS;
        if (!quiet && now - (this.lastSnapshot.get(p) ?? 0) < interval) continue;
        this.exclusive(p, () => this.writeSnapshot(p)).catch(failed('snapshot'));
      }
      if (this.stage === 'key') this.reportProgress(now);
      else this.checkLanes().catch(failed("reading the key partitions' end offsets"));
    }, TICK_MS);
    this.timer.unref();
  }

  /**
   * Key stage: tells every address partition how far each partition has got, once its new owner has
   * it and whenever it moves on (at most every PROGRESS_MS). The address stage compares the offset
   * with the partition's end to tell a partition that is behind from one with nothing to send.
   */
  private reportProgress(now: number): void {
    for (const p of this.engines.keys()) {
      const lane = this.lane(p);
      if (lane.queued || now - lane.reportedAt < PROGRESS_MS) continue;
      if (lane.reportedOffset !== null && lane.reportedOffset === (this.observed.get(p) ?? -1n)) continue;
      lane.queued = true;
      this.exclusive(p, () => this.report(p, lane))
        .catch((err: unknown) => this.rt.log.warn({ err, partition: p }, 'progress report failed; retried'))
        .finally(() => {
          lane.queued = false;
        });
    }
  }

  /** One progress record on every address partition, after everything the partition re-keyed before it. */
  private async report(partition: number, lane: LaneReport): Promise<void> {
    // Outputs not acknowledged yet (their batch is delivered again): they are not done, say nothing.
    if (this.unsent.has(partition) || !this.engines.has(partition)) return;
    const offset = this.observed.get(partition) ?? -1n;
    lane.reportedAt = this.rt.clock.now();
    const progress: LaneProgress = {
      schema: LANE_PROGRESS_SCHEMA,
      lane: partition,
      offset: Number(offset),
      ts: lane.latestTs,
    };
    const value = JSON.stringify(progress);
    const messages = Array.from({ length: this.rt.config.kafka.partitions }, (_, n) => ({
      key: null,
      value,
      partition: n,
    }));
    await this.rt.bus.send(this.rt.config.kafka.topics.requestsByIp, messages);
    lane.reportedOffset = offset;
  }

  /**
   * Address stage: for the key partitions a merge waits for, reads where their partitions end. One
   * that ends right after what it reported has nothing left to send, so what arrived before this
   * read need not wait for it. The read starts after those records arrived, which is what makes
   * the answer hold for them.
   */
  private async checkLanes(): Promise<void> {
    if (this.checkingLanes) return;
    const asked = [...this.merges.values()].map((merge) => ({ merge, lanes: merge.waitingOn() }));
    const lanes = [...new Set(asked.flatMap((a) => [...a.lanes.keys()]))];
    if (lanes.length === 0) return;
    this.checkingLanes = true;
    try {
      const at = this.rt.clock.now();
      const ends = await this.rt.bus.endOffsets(this.rt.config.kafka.topics.requests, lanes);
      // The broker answered: silent lanes are silent while it is up, not for an outage.
      for (const merge of this.merges.values()) merge.alive(this.rt.clock.now());
      for (const { merge, lanes } of asked)
        for (const [lane, offset] of lanes) {
          const end = ends.get(lane);
          if (end !== undefined && end <= BigInt(offset) + 1n) merge.caughtUp(lane, at);
        }
    } finally {
      this.checkingLanes = false;
    }
  }

  private lane(partition: number): LaneReport {
    let lane = this.lanes.get(partition);
    if (!lane) {
      lane = { latestTs: null, reportedOffset: null, reportedAt: 0, queued: false };
      this.lanes.set(partition, lane);
    }
    return lane;
  }

  /** Stops the timer and snapshots every partition, committing their offsets. */
  async snapshotAll(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const p of this.engines.keys()) await this.exclusive(p, () => this.writeSnapshot(p));
  }

  private exclusive(partition: number, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(partition) ?? Promise.resolve();
    const next = previous.then(work);
    // The queue itself never rejects: each caller handles its own work's failure.
    const tracked: Promise<void> = next.then(
      () => this.dequeue(partition, tracked),
      () => this.dequeue(partition, tracked),
    );
    this.queues.set(partition, tracked);
    return next;
  }

  private dequeue(partition: number, done: Promise<void>): void {
    if (this.queues.get(partition) === done) this.queues.delete(partition);
  }

  private async score(partition: number, messages: Batch['messages']): Promise<void> {
    // A release of the merge queued just before the partition was taken away.
    if (messages.length === 0 && !this.engines.has(partition)) return;
    const started = performance.now();
    const engine = await this.engineFor(partition);
    const { config } = this.rt;
    const unsent = this.unsent.get(partition) ?? { findings: [], routed: [], bad: [], latestTs: null };
    this.unsent.set(partition, unsent);
    const { findings, routed, bad } = unsent;
    const merge = this.merges.get(partition);
    const done = this.observed.get(partition);
    const now = this.rt.clock.now();
    for (const m of messages) {
      const offset = BigInt(m.offset);
      if (done !== undefined && offset <= done) continue;
      this.observed.set(partition, offset);
      const decoded = this.stage === 'key' ? decodeJson(RequestEvent, m.value) : decodeAddressRecord(m.value);
      if (decoded.ok && 'progress' in decoded) {
        const { lane, offset, ts } = decoded.progress;
        merge?.progress(lane, offset, ts, now);
        continue;
      }
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
      const ts = Date.parse(event.ts);
      if (merge) {
        // `via` stays on the event: no detector reads it, and copying the event without it costs more.
        const { via } = event as RoutedEvent;
        merge.push({ lane: via.partition, sourceOffset: via.offset, ts, item: { event, offset } }, now);
        continue;
      }
      if (unsent.latestTs === null || ts > unsent.latestTs) unsent.latestTs = ts;
      // A duplicate is not re-keyed either: the address stage has its first copy.
      if (!observeInto(engine, event, ts, findings)) continue;
      // The address stage needs no prompt text: it never leaves the key stage.
      const via = { partition, offset: Number(m.offset) };
      routed.push({ key: event.client.ip, value: JSON.stringify({ ...event, prompt: null, via }) });
    }
    const released = merge?.release() ?? [];
    const givenUp = merge?.takeGivenUp() ?? [];
    if (givenUp.length && now - (this.loggedGiveUp.get(partition) ?? 0) >= GIVE_UP_LOG_MS) {
      this.loggedGiveUp.set(partition, now);
      this.rt.log.warn(
        { stage: this.stage, partition, keyPartitions: givenUp, waitMs: this.rt.config.detectors.laneWaitMs },
        'scoring past key partitions that are behind and silent; their events may be dropped as late',
      );
    }
    for (const r of released) observeInto(engine, r.item.event, r.ts, findings);
    const produced = [...findings];
    // Each output is forgotten once acknowledged, so a retry sends again only what failed.
    const sends: Promise<void>[] = [this.dlq.write(bad).then(() => void bad.splice(0))];
    if (routed.length)
      sends.push(
        this.rt.bus.send(config.kafka.topics.requestsByIp, routed).then(() => void routed.splice(0)),
      );
    if (findings.length) {
      const out = findings.map((f) => ({
        key: `${f.subject.kind}:${f.subject.id}`,
        value: JSON.stringify(f),
      }));
      sends.push(this.rt.bus.send(config.kafka.topics.findings, out).then(() => void findings.splice(0)));
    }
    await Promise.all(sends);
    // Taken away (and maybe given back, restored from its snapshot) while the sends were in flight:
    // this engine is gone, and its offsets must not be claimed by the one that replaced it.
    if (this.engines.get(partition) !== engine) return;
    this.unsent.delete(partition);
    const role = 'detect' as const;
    if (messages.length) this.rt.metrics.consumed.inc({ role, topic: this.topic }, messages.length);
    if (produced.length)
      this.rt.metrics.produced.inc({ role, topic: config.kafka.topics.findings }, produced.length);
    for (const f of produced) this.metrics.findings.inc({ detector: f.detector, severity: f.severity });
    if (messages.length) this.lastOffset.set(partition, messages[messages.length - 1]!.offset);
    if (messages.length || released.length) this.dirty.add(partition);
    const lane = this.stage === 'key' ? this.lane(partition) : null;
    if (lane && unsent.latestTs !== null && (lane.latestTs === null || unsent.latestTs > lane.latestTs))
      lane.latestTs = unsent.latestTs;
    this.metrics.batchSeconds.observe({ stage: this.stage }, (performance.now() - started) / 1000);
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

  /**
   * The offset a snapshot can claim: the last record taken in, or in the address stage the one
   * before the oldest record still waiting in the merge (those are not in the state yet).
   */
  private durableOffset(partition: number): string | undefined {
    const last = this.lastOffset.get(partition);
    let waiting: bigint | null = null;
    for (const held of this.merges.get(partition)?.pending() ?? [])
      if (waiting === null || held.offset < waiting) waiting = held.offset;
    return waiting === null ? last : (waiting - 1n).toString();
  }

  /**
   * Saves the partition's state, then commits its offset: a restarted worker resumes from the
   * snapshot and reads again exactly what came after it, so no record's effect is lost or doubled.
   */
  private async writeSnapshot(partition: number): Promise<void> {
    const engine = this.engines.get(partition);
    const offset = this.durableOffset(partition);
    // The engine holds records whose outputs are not acknowledged: a snapshot now would claim them as done.
    if (!engine || offset === undefined || this.unsent.has(partition)) return;
    this.lastSnapshot.set(partition, this.rt.clock.now());
    this.dirty.delete(partition);
    const lanes = this.merges.get(partition)?.state();
    const reach = lanes && { lanes: lanes.released, reported: lanes.reported };
    await this.state.save(this.stage, partition, engine.snapshot(), offset, reach);
    if (this.engines.has(partition) && BigInt(offset) >= 0n)
      await this.subscription
        ?.commit([{ topic: this.topic, partition, offset }])
        .catch((err: unknown) => this.rt.log.warn({ err, stage: this.stage, partition }, 'commit failed'));
    let entities = 0;
    let evicted = 0;
    let late = 0;
    let duplicates = 0;
    for (const e of this.engines.values()) {
      entities += e.entities;
      evicted += e.evicted;
      late += e.late;
      duplicates += e.duplicates;
    }
    this.metrics.duplicates.set({ stage: this.stage }, duplicates);
    // Dropped events are a loss of coverage an operator must be able to see, not only graph; the
    // merge's counts say whether its buffer cap or its wait for a silent key partition let them through.
    if (late > this.loggedLate) {
      let overflowed = 0;
      let waitedOut = 0;
      for (const m of this.merges.values()) {
        overflowed += m.overflowed;
        waitedOut += m.waitedOut;
      }
      const since = late - this.loggedLate;
      this.rt.log.warn({ stage: this.stage, late, since, overflowed, waitedOut }, 'events dropped as late');
    }
    this.loggedLate = late;
    this.metrics.entities.set({ stage: this.stage }, entities);
    this.metrics.evicted.set({ stage: this.stage }, evicted);
    this.metrics.late.set({ stage: this.stage }, late);
  }

  private newEngine(): Engine {
    return new Engine(this.stage, this.specs, this.rt.config.detectors);
  }

  private newMerge(): LaneMerge<Held> {
    // Every key partition is a lane from the start: on a cold start they send their first records
    // at slightly different moments, and the first must not run ahead of the others.
    return new LaneMerge({
      waitMs: this.rt.config.detectors.laneWaitMs,
      maxBuffered: MERGE_MAX_BUFFERED,
      lanes: this.rt.config.kafka.partitions,
      now: this.rt.clock.now(),
    });
  }
}

/** Scores one event, adding its findings; false for a duplicate. */
function observeInto(engine: Engine, event: RequestEvent, ts: number, findings: Finding[]): boolean {
  const result = engine.observe(event, ts);
  if (result.late) return true;
  for (const f of result.findings) findings.push(f);
  return !result.duplicate;
}

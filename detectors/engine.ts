import type { Subject } from '../schemas/common.js';
import { severityRank } from '../schemas/common.js';
import type { DetectorsConfig } from '../schemas/config/detectors.js';
import { FINDING_SCHEMA, type Finding } from '../schemas/finding.js';
import type { RequestEvent } from '../schemas/request-event.js';
import { PopulationBaseline } from './baselines/population.js';
import { Seasonality } from './baselines/seasonality.js';
import type { AnyDetectorSpec, DetectorContext, Stage, WindowMeta } from './detector.js';
import { EntityTable, type Entry } from './entity-table.js';
import { findingId } from './finding-id.js';
import { RecentIds } from './recent-ids.js';

const MAX_SAMPLES = 5;
const SEASON_WINDOW_MS = 60_000;
const IDLE_SWEEP_EVERY = 4096;

interface Slot {
  spec: AnyDetectorSpec;
  config: { enabled: boolean; windowMs: number };
  table: EntityTable<unknown>;
  /** Reused for every event: the hot path allocates nothing it can avoid. */
  ctx: DetectorContext<unknown>;
}

/** A duplicate (an event id among the recent ones) changes nothing and yields nothing. */
export type Observed = { late: true } | { late: false; findings: Finding[]; duplicate?: true };

/**
 * Runs the detectors of one stage over the events of one partition, on event time. Pure apart from
 * its own state: the same events in the same order give the same findings, live or replayed.
 * Windows are scored as events arrive, so an attack is reported within its window and the end of
 * a replay is scored without waiting for a window to close.
 */
export class Engine {
  readonly slots: Slot[];
  season = new Seasonality();
  /** Highest event time seen: the watermark is this minus the allowed lateness. */
  maxTs = 0;
  late = 0;
  duplicates = 0;
  private recent: RecentIds;
  private seasonWindow = -1;
  private seasonCount = 0;
  private seasonFactor = 1;
  private sinceSweep = 0;

  constructor(
    readonly stage: Stage,
    specs: AnyDetectorSpec[],
    private readonly config: DetectorsConfig,
  ) {
    this.recent = new RecentIds(config.recentEventIds);
    this.slots = specs
      .filter((s) => s.stage === stage)
      .map((spec) => {
        const c = spec.config(config);
        const ctx = { config: c, population: new PopulationBaseline(), seasonFactor: 1, ts: 0 };
        return { spec, config: c, table: new EntityTable(config.maxEntities), ctx };
      })
      .filter((s) => s.config.enabled);
  }

  /** `ts` is `event.ts` parsed, for a caller that has parsed it already. */
  observe(event: RequestEvent, ts = Date.parse(event.ts)): Observed {
    // A second copy is a duplicate even when it arrives late (a batch resent behind newer ones).
    if (this.recent.has(event.id)) {
      this.duplicates++;
      return { late: false, findings: [], duplicate: true };
    }
    if (ts < this.maxTs - this.config.allowedLatenessMs) {
      this.late++;
      return { late: true };
    }
    this.recent.add(event.id);
    if (ts > this.maxTs) this.maxTs = ts;
    this.countSeason(ts);
    const findings: Finding[] = [];
    for (const slot of this.slots) {
      slot.ctx.ts = ts;
      slot.ctx.seasonFactor = this.seasonFactor;
      this.observeSlot(slot, event, ts, findings);
    }
    if (++this.sinceSweep >= IDLE_SWEEP_EVERY) {
      this.sinceSweep = 0;
      for (const slot of this.slots) slot.table.evictIdle(this.maxTs - this.config.entityIdleMs);
    }
    return { late: false, findings };
  }

  get entities(): number {
    return this.slots.reduce((n, s) => n + s.table.size, 0);
  }

  get evicted(): number {
    return this.slots.reduce((n, s) => n + s.table.evicted, 0);
  }

  private observeSlot(slot: Slot, event: RequestEvent, ts: number, out: Finding[]): void {
    const { spec, table, ctx } = slot;
    const entity = spec.entityOf(event);
    if (!entity) return;
    // Key ids are 32 hex characters and addresses contain '.' or ':', so the id alone is a unique key.
    const key = entity.id;
    const windowMs = slot.config.windowMs;
    const windowStart = ts - (ts % windowMs);
    let entry = table.get(key);
    if (!entry) {
      if (spec.onlyExisting?.(event)) return;
      entry = { meta: newMeta(windowStart, ts), state: spec.create() };
      table.insert(key, entry, this.maxTs - windowMs);
    } else if (windowStart > entry.meta.windowStart) {
      const closed = (windowStart - entry.meta.windowStart) / windowMs;
      spec.roll(entry.state, worstEmitted(entry.meta), Math.floor(closed) - 1, ctx);
      resetMeta(entry.meta, windowStart, ts);
    }
    // A late event of an already rolled window counts in the current one: within the allowed lateness
    // that shifts a count by one window at most, and never loses the event.
    const meta = entry.meta;
    if (ts > meta.lastTs) meta.lastTs = ts;
    if (meta.samples.length < MAX_SAMPLES) meta.samples.push(event.id);
    spec.update(entry.state, event, ctx);
    for (const verdict of spec.evaluate(entry.state, event, entity, ctx)) {
      const scope = verdict.scope ?? 'window';
      const rank = severityRank(verdict.severity);
      const emitted = meta.emitted?.get(scope) ?? -1;
      if (rank <= emitted) continue;
      meta.emitted ??= new Map();
      meta.emitted.set(scope, rank);
      out.push(toFinding(spec, verdict.subject, meta, windowMs, event, scope, verdict));
    }
  }

  private countSeason(ts: number): void {
    const w = ts - (ts % SEASON_WINDOW_MS);
    if (w !== this.seasonWindow) {
      if (this.seasonWindow >= 0) this.season.observe(this.seasonWindow, this.seasonCount);
      this.seasonWindow = w;
      this.seasonCount = 0;
      this.seasonFactor = this.season.factor(new Date(w).getUTCHours());
    }
    this.seasonCount++;
  }

  /** Serialisable state of the whole engine, for the state topic. */
  snapshot(): EngineSnapshot {
    return {
      version: 1,
      stage: this.stage,
      maxTs: this.maxTs,
      season: this.season.toJSON(),
      recentIds: this.recent.toJSON(),
      detectors: this.slots.map((slot) => ({
        name: slot.spec.name,
        population: slot.ctx.population.toJSON(),
        entities: [...slot.table.entries].map(([k, e]) => [k, e.meta, e.state] as const),
      })),
    };
  }

  restore(snapshot: EngineSnapshot): void {
    this.maxTs = Math.max(this.maxTs, snapshot.maxTs);
    this.season = Seasonality.fromJSON(snapshot.season);
    if (snapshot.recentIds) this.recent = RecentIds.fromJSON(snapshot.recentIds, this.config.recentEventIds);
    for (const saved of snapshot.detectors) {
      const slot = this.slots.find((s) => s.spec.name === saved.name);
      if (!slot) continue;
      slot.ctx.population = PopulationBaseline.fromJSON(saved.population);
      for (const [key, meta, state] of saved.entities)
        slot.table.insert(key, { meta, state } as Entry<unknown>);
    }
  }
}

export interface EngineSnapshot {
  version: 1;
  stage: Stage;
  maxTs: number;
  season: ReturnType<Seasonality['toJSON']>;
  /** Absent in snapshots older than the deduplication. */
  recentIds?: string[];
  detectors: { name: string; population: number[]; entities: (readonly [string, WindowMeta, unknown])[] }[];
}

function newMeta(windowStart: number, ts: number): WindowMeta {
  return { windowStart, firstTs: ts, lastTs: ts, emitted: null, samples: [] };
}

function resetMeta(meta: WindowMeta, windowStart: number, ts: number): void {
  meta.windowStart = windowStart;
  meta.firstTs = ts;
  meta.emitted = null;
  meta.samples = [];
}

function worstEmitted(meta: WindowMeta): number {
  let worst = -1;
  for (const r of meta.emitted?.values() ?? []) worst = Math.max(worst, r);
  return worst;
}

function toFinding(
  spec: AnyDetectorSpec,
  subject: Subject,
  meta: WindowMeta,
  windowMs: number,
  event: RequestEvent,
  scope: string,
  verdict: {
    severity: Finding['severity'];
    score: number;
    evidence: Omit<Finding['evidence'], 'sampleEventIds'>;
  },
): Finding {
  return {
    schema: FINDING_SCHEMA,
    // A worse verdict on the same window is a finding of its own (the responder drops redelivered ids),
    // and stays deterministic: the same events give the same ids.
    id: findingId(spec.name, subject, meta.windowStart, `${scope}:${verdict.severity}`),
    detector: spec.name,
    subject,
    score: Math.max(0, Math.min(1, verdict.score)),
    severity: verdict.severity,
    window: {
      start: new Date(meta.windowStart).toISOString(),
      end: new Date(meta.windowStart + windowMs).toISOString(),
    },
    firstSeen: new Date(meta.firstTs).toISOString(),
    detectedAt: event.ts,
    evidence: { ...verdict.evidence, sampleEventIds: [...meta.samples] },
  };
}

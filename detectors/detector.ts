import type { DetectorName, Severity, Subject } from '../schemas/common.js';
import type { DetectorsConfig } from '../schemas/config/detectors.js';
import type { Evidence } from '../schemas/finding.js';
import type { RequestEvent } from '../schemas/request-event.js';
import type { PopulationBaseline } from './baselines/population.js';

/**
 * Which consumer stage a detector runs in. Events arrive keyed by key id (else client address); the
 * `key` stage sees them so. Per-address state needs every event of an address in one place, so the
 * `key` stage re-keys each event by address for the `ip` stage.
 */
export type Stage = 'key' | 'ip';

/** What a detector decided about one entity in its current window. */
export interface Verdict {
  /** The subject of the finding; usually the entity, but e.g. a key that succeeded after a burst. */
  subject: Subject;
  severity: Severity;
  score: number;
  evidence: Omit<Evidence, 'sampleEventIds'>;
  /** Deduplication scope within the window; verdicts with another scope are separate findings. */
  scope?: string;
}

/** Per-entity bookkeeping the engine keeps for every detector, beside the detector's own state. */
export interface WindowMeta {
  /** Start of the entity's current window, epoch ms of event time. */
  windowStart: number;
  /** Event time of the first event of the current window. */
  firstTs: number;
  /** Event time of the entity's latest event. */
  lastTs: number;
  /** Severity rank already emitted per scope in this window (so a finding is re-sent only when it worsens). */
  emitted: Map<string, number> | null;
  /** Up to a few event ids of the current window, for evidence. */
  samples: string[];
}

export interface DetectorContext<C> {
  config: C;
  /** Typical closed windows of all entities of this detector: how a new entity is judged. */
  population: PopulationBaseline;
  /** Hour-of-day traffic factor at the current event time (1 until enough history exists). */
  seasonFactor: number;
  /** The current event's time, epoch ms (parsed once by the engine). */
  ts: number;
}

/**
 * A detector is data plus pure functions: which entity an event belongs to, how it updates that
 * entity's state, how a closed window folds into the baseline, and what the state says now.
 * The engine does all I/O, windowing and bookkeeping.
 */
export interface DetectorSpec<S, C> {
  name: DetectorName;
  stage: Stage;
  config: (all: DetectorsConfig) => C & { enabled: boolean; windowMs: number };
  /** The entity an event updates, as "kind:id"; null when the event is not this detector's concern. */
  entityOf: (event: RequestEvent) => Subject | null;
  /** Events that only matter to an entity already tracked (e.g. a success after failures) create none. */
  onlyExisting?: (event: RequestEvent) => boolean;
  create: () => S;
  update: (state: S, event: RequestEvent, ctx: DetectorContext<C>) => void;
  /** The window just closed (`emittedRank` is the worst severity found in it), then `idleWindows` empty ones. */
  roll: (state: S, emittedRank: number, idleWindows: number, ctx: DetectorContext<C>) => void;
  /** Zero or more verdicts after an update (each scope at most once per window, or again when worse). */
  evaluate: (state: S, event: RequestEvent, entity: Subject, ctx: DetectorContext<C>) => Verdict[];
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds specs of different state types
export type AnyDetectorSpec = DetectorSpec<any, any>;

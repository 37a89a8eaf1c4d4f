import { z } from 'zod';
import { adminPort, type EnvTable } from './env.js';

const ms = (d: number) => z.number().int().positive().default(d);
const count = (d: number) => z.number().int().positive().default(d);

/** Volume spike: requests and tokens per window against the entity's own EWMA baseline. */
const VolumeSpike = z.strictObject({
  enabled: z.boolean().default(true),
  windowMs: ms(60_000),
  /** Below these per-window volumes nothing alarms, whatever the baseline: tiny entities stay quiet. */
  minRequests: count(60),
  minTokens: count(60_000),
  /** Standard deviations above the baseline mean. */
  sigmas: z.number().positive().default(6),
  /** Observed must also be this many times the baseline mean. */
  minRatio: z.number().min(1).default(3),
  /** Windows of history before the entity is judged against itself rather than the population. */
  minHistoryWindows: count(15),
  /** EWMA smoothing per window. */
  alpha: z.number().gt(0).lt(1).default(0.05),
  /** Ratio to the baseline mean that makes a spike critical (and a key revocable). */
  criticalRatio: z.number().min(1).default(30),
});

/** Probing: distinct failing paths, sensitive paths, model and method enumeration. */
const Probing = z.strictObject({
  enabled: z.boolean().default(true),
  windowMs: ms(300_000),
  /** Distinct failing paths in a window (CrowdSec's http-probing overflows past 10 distinct 404/403/400 URIs). */
  minDistinctErrorPaths: count(10),
  minSensitiveHits: count(3),
  minUnknownModels: count(5),
  minProbedMethods: count(4),
  /** Requests in a window whose user agent names an attack tool (sqlmap, nikto, nuclei…). */
  minScannerAgentHits: count(2),
});

/** Auth-failure bursts per source address, per key, and a success right after a burst. */
const AuthFailureBurst = z.strictObject({
  enabled: z.boolean().default(true),
  windowMs: ms(300_000),
  /** Failures from one address in a window that make a burst (fail2ban's default is 5 in 10 minutes). */
  ipFailures: count(10),
  /** Distinct keys failing from one address in a window: credential stuffing. */
  ipDistinctKeys: count(5),
  /** Failures on one key in a window: a key being hammered. */
  keyFailures: count(20),
  /** A success from a bursting address within this time is a likely compromised key. */
  compromiseWithinMs: ms(600_000),
});

/** Injection signatures in prompt, path and query. */
const Injection = z.strictObject({
  enabled: z.boolean().default(true),
  windowMs: ms(60_000),
  packFile: z
    .string()
    .min(1)
    .nullable()
    .default(null)
    .describe('signature pack file (YAML) replacing the built-in signatures; null: built-in'),
  /** Matching requests per window from one subject that make the finding high, and critical. */
  highHits: count(3),
  criticalHits: count(10),
});

/** Detector workers: thresholds, windows, state bounds. */
export const DetectorsConfig = z.strictObject({
  allowedLatenessMs: z
    .number()
    .int()
    .nonnegative()
    .default(30_000)
    .describe('events older than the watermark by more than this are late: counted and dropped'),
  maxEntities: count(200_000).describe(
    'entities per detector and partition; the least recently seen are evicted beyond it',
  ),
  recentEventIds: count(20_000).describe(
    'event ids remembered per partition and stage: an event produced twice within them (a replay ' +
      'batch sent again after a broker failure) is scored once',
  ),
  /** Event time after which an idle entity is forgotten. */
  entityIdleMs: ms(6 * 3_600_000),
  /**
   * How often partition state is snapshotted to the state topic (wall clock). Offsets are committed
   * with each snapshot, so this is also how much a restarted worker reads and scores again.
   */
  snapshotIntervalMs: ms(10_000),
  laneWaitMs: ms(30_000).describe(
    'how long the address stage waits for a key partition that is behind (its partition holds records ' +
      'not yet re-keyed) and has sent nothing while others did, before scoring without it: events are ' +
      'scored in event-time order across key partitions; one with nothing to send is not waited for',
  ),
  adminPort: adminPort('`gatehound detect`, on every interface'),
  volumeSpike: VolumeSpike.prefault({}),
  probing: Probing.prefault({}),
  authFailureBurst: AuthFailureBurst.prefault({}),
  injection: Injection.prefault({}),
});
export type DetectorsConfig = z.infer<typeof DetectorsConfig>;

export const DETECTORS_ENV: EnvTable = {
  GATEHOUND_DETECT_ADMIN_PORT: { path: ['detectors', 'adminPort'], type: 'int' },
  GATEHOUND_DETECT_ALLOWED_LATENESS_MS: { path: ['detectors', 'allowedLatenessMs'], type: 'int' },
  GATEHOUND_DETECT_MAX_ENTITIES: { path: ['detectors', 'maxEntities'], type: 'int' },
  GATEHOUND_DETECT_SIGNATURE_PACK: { path: ['detectors', 'injection', 'packFile'], type: 'string' },
};

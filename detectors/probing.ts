import type { Severity } from '../schemas/common.js';
import type { DetectorsConfig } from '../schemas/config/detectors.js';
import { type Ewma, ewmaIdle, ewmaStd, ewmaUpdate, newEwma } from './baselines/ewma.js';
import type { DetectorSpec, Stage, Verdict } from './detector.js';
import { hash32 } from './hash.js';
import { scannerAgent } from './scanner-agents.js';
import { sensitivePath } from './sensitive-paths.js';
import { round, subjectFor } from './volume-spike.js';

type Config = DetectorsConfig['probing'];

/** Distinct values are counted exactly up to this many; beyond it every threshold is long passed. */
const SET_CAP = 256;

export interface ProbingState {
  errorPaths: Set<number> | null;
  sensitive: Set<string> | null;
  sensitiveHits: number;
  unknownModels: Set<number> | null;
  methods: Set<string> | null;
  /** Requests whose user agent names an attack tool, and the tool (optional: older snapshots lack them). */
  scannerHits?: number;
  scanner?: string | null;
  requests: number;
  /** The entity's usual number of distinct failing paths per window. */
  errorBaseline: Ewma;
}

/** Methods an AI API client never sends. */
const PROBE_METHODS = new Set([
  'TRACE',
  'TRACK',
  'CONNECT',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'DEBUG',
  'SEARCH',
]);

function probing(stage: Stage): DetectorSpec<ProbingState, Config> {
  return {
    name: 'probing',
    stage,
    config: (all) => all.probing,
    entityOf: (e) => subjectFor(stage, e),
    // Only a failure or a suspicious request starts tracking: a flood of ordinary requests from
    // rotating addresses costs no probing state.
    onlyExisting: (e) => !isSuspicious(e),
    create: () => ({
      errorPaths: null,
      sensitive: null,
      sensitiveHits: 0,
      unknownModels: null,
      methods: null,
      scannerHits: 0,
      scanner: null,
      requests: 0,
      errorBaseline: newEwma(),
    }),
    update: (s, e) => {
      s.requests += 1;
      const status = e.http.status;
      if (isFailure(status) || (status === 401 && e.key === null))
        s.errorPaths = add(s.errorPaths, hash32(e.http.path));
      const prefix = sensitivePath(e.http.path);
      if (prefix) {
        s.sensitiveHits += 1;
        s.sensitive = add(s.sensitive, prefix);
      }
      // Model enumeration: an AI request naming a model the upstream does not have.
      if (e.ai?.model && status === 404) s.unknownModels = add(s.unknownModels, hash32(e.ai.model));
      if (status === 405 || status === 501 || PROBE_METHODS.has(e.http.method))
        s.methods = add(s.methods, e.http.method);
      const tool = scannerAgent(e.client.userAgent);
      if (tool) {
        s.scannerHits = (s.scannerHits ?? 0) + 1;
        s.scanner = tool;
      }
    },
    roll: (s, emittedRank, idle, ctx) => {
      const distinct = s.errorPaths?.size ?? 0;
      ctx.population.add(distinct);
      ewmaUpdate(s.errorBaseline, emittedRank >= 1 ? s.errorBaseline.mean : distinct, 0.05);
      ewmaIdle(s.errorBaseline, idle, 0.05);
      s.errorPaths = null;
      s.sensitive = null;
      s.sensitiveHits = 0;
      s.unknownModels = null;
      s.methods = null;
      s.scannerHits = 0;
      s.scanner = null;
      s.requests = 0;
    },
    evaluate: (s, _e, subject, ctx) => {
      const c = ctx.config;
      const distinct = s.errorPaths?.size ?? 0;
      const baseline = s.errorBaseline.mean;
      // An entity that always has many failing paths (a client with a broken route table) must exceed
      // its own habit too, not just the fixed minimum.
      const pathThreshold = Math.max(
        c.minDistinctErrorPaths,
        baseline + 6 * Math.max(ewmaStd(s.errorBaseline), Math.sqrt(baseline + 1)),
      );
      const signals = [
        { signal: 'distinct_error_paths', observed: distinct, threshold: pathThreshold, baseline },
        {
          signal: 'sensitive_path_hits',
          observed: s.sensitiveHits,
          threshold: c.minSensitiveHits,
          baseline: null,
        },
        {
          signal: 'unknown_models',
          observed: s.unknownModels?.size ?? 0,
          threshold: c.minUnknownModels,
          baseline: null,
        },
        {
          signal: 'probed_methods',
          observed: s.methods?.size ?? 0,
          threshold: c.minProbedMethods,
          baseline: null,
        },
        {
          signal: 'scanner_user_agent',
          observed: s.scannerHits ?? 0,
          threshold: c.minScannerAgentHits,
          baseline: null,
        },
      ];
      const fired = signals.filter((x) => x.observed >= x.threshold);
      if (fired.length === 0) return [];
      // The strongest signal speaks for the window; the others go into the details.
      const worst = fired.reduce((a, b) => (b.observed / b.threshold > a.observed / a.threshold ? b : a));
      const strength = worst.observed / worst.threshold + (fired.length - 1);
      const severity: Severity = strength >= 8 ? 'critical' : strength >= 2.5 ? 'high' : 'medium';
      const verdict: Verdict = {
        subject,
        severity,
        score: round(Math.min(1, 1 - 1 / (1 + strength))),
        evidence: {
          signal: worst.signal,
          observed: worst.observed,
          baseline: worst.baseline === null ? null : round(worst.baseline),
          threshold: round(worst.threshold),
          details: {
            distinctErrorPaths: distinct,
            sensitiveHits: s.sensitiveHits,
            sensitivePaths: [...(s.sensitive ?? [])].slice(0, 8).join(' '),
            unknownModels: s.unknownModels?.size ?? 0,
            probedMethods: [...(s.methods ?? [])].join(' '),
            scannerUserAgent: s.scanner ?? null,
            requests: s.requests,
          },
        },
      };
      return [verdict];
    },
  };
}

function isFailure(status: number): boolean {
  return status === 404 || status === 405 || status === 403 || status === 400 || status === 501;
}

/**
 * A failure, a keyless 401 (walking protected routes without a credential), a probe method, a
 * sensitive path or an attack tool's user agent.
 */
function isSuspicious(e: {
  http: { status: number; path: string; method: string };
  key: unknown;
  client: { userAgent: string | null };
}): boolean {
  return (
    isFailure(e.http.status) ||
    (e.http.status === 401 && e.key === null) ||
    PROBE_METHODS.has(e.http.method) ||
    sensitivePath(e.http.path) !== null ||
    scannerAgent(e.client.userAgent) !== null
  );
}

function add<T>(set: Set<T> | null, value: T): Set<T> {
  const s = set ?? new Set<T>();
  if (s.size < SET_CAP) s.add(value);
  return s;
}

export const probingByKey = probing('key');
export const probingByIp = probing('ip');

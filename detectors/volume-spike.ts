import type { Severity, Subject } from '../schemas/common.js';
import type { DetectorsConfig } from '../schemas/config/detectors.js';
import type { RequestEvent } from '../schemas/request-event.js';
import { type Ewma, ewmaIdle, ewmaStd, ewmaUpdate, newEwma } from './baselines/ewma.js';
import type { DetectorContext, DetectorSpec, Stage, Verdict } from './detector.js';

type Config = DetectorsConfig['volumeSpike'];

export interface VolumeState {
  requests: number;
  tokens: number;
  requestBaseline: Ewma;
  tokenBaseline: Ewma;
}

interface Signal {
  name: 'requests_per_window' | 'tokens_per_window';
  observed: number;
  floor: number;
  baseline: Ewma;
}

/**
 * Requests and tokens per window against the entity's own EWMA baseline (deseasonalised), or for
 * an entity without enough history, against the population's median and MAD.
 */
function volumeSpike(stage: Stage): DetectorSpec<VolumeState, Config> {
  return {
    name: 'volume_spike',
    stage,
    config: (all) => all.volumeSpike,
    // Volume is what the upstream served: refused requests (revoked, blocked, rate limited) and
    // failures (a scanner's 404s, a guesser's 401s) are other detectors' business.
    entityOf: (e) => (e.gateway.outcome === 'forwarded' && e.http.status < 400 ? subjectFor(stage, e) : null),
    create: () => ({ requests: 0, tokens: 0, requestBaseline: newEwma(), tokenBaseline: newEwma() }),
    update: (s, e) => {
      s.requests += 1;
      s.tokens += (e.ai?.inputTokens ?? 0) + (e.ai?.outputTokens ?? 0);
    },
    roll: (s, emittedRank, idle, ctx) => {
      ctx.population.add(s.requests);
      // A window that raised a finding is not learned as normal, or a slow ramp-up would teach the
      // baseline to accept the attack; it is folded in at the baseline instead.
      const flagged = emittedRank >= 1;
      const f = ctx.seasonFactor;
      ewmaUpdate(s.requestBaseline, flagged ? s.requestBaseline.mean : s.requests / f, ctx.config.alpha);
      ewmaUpdate(s.tokenBaseline, flagged ? s.tokenBaseline.mean : s.tokens / f, ctx.config.alpha);
      ewmaIdle(s.requestBaseline, idle, ctx.config.alpha);
      ewmaIdle(s.tokenBaseline, idle, ctx.config.alpha);
      s.requests = 0;
      s.tokens = 0;
    },
    evaluate: (s, _e, entity, ctx) => {
      const signals: Signal[] = [
        {
          name: 'requests_per_window',
          observed: s.requests,
          floor: ctx.config.minRequests,
          baseline: s.requestBaseline,
        },
        {
          name: 'tokens_per_window',
          observed: s.tokens,
          floor: ctx.config.minTokens,
          baseline: s.tokenBaseline,
        },
      ];
      const verdicts: Verdict[] = [];
      for (const signal of signals) {
        const v = judge(signal, entity, ctx);
        if (v) verdicts.push(v);
      }
      return verdicts;
    },
  };
}

function judge(signal: Signal, subject: Subject, ctx: DetectorContext<Config>): Verdict | null {
  const { config } = ctx;
  if (signal.observed < signal.floor) return null;
  const own = signal.baseline.n >= config.minHistoryWindows;
  // Judged against the population only for requests; tokens per window vary too much between entities.
  const pop = own || signal.name !== 'requests_per_window' ? null : ctx.population.estimate();
  let mean = 0;
  let sigma = 0;
  if (own) {
    mean = signal.baseline.mean * ctx.seasonFactor;
    sigma = ewmaStd(signal.baseline) * ctx.seasonFactor;
  } else if (pop) {
    mean = pop.median;
    sigma = pop.sigma;
  }
  // Counts are at least Poisson-noisy: never trust a spread narrower than sqrt(mean).
  const spread = Math.max(sigma, Math.sqrt(Math.max(mean, 1)));
  // With no baseline at all (a fresh deployment) only a volume far above the floor is worth a finding.
  const floor = own || pop ? signal.floor : signal.floor * config.minRatio;
  const threshold = Math.max(floor, mean * config.minRatio, mean + config.sigmas * spread);
  if (signal.observed <= threshold) return null;
  const ratio = signal.observed / Math.max(mean, 1);
  const severity: Severity =
    ratio >= config.criticalRatio && signal.observed >= 5 * signal.floor
      ? 'critical'
      : signal.observed >= 3 * threshold
        ? 'high'
        : 'medium';
  return {
    subject,
    severity,
    score: round(1 - threshold / signal.observed),
    scope: signal.name,
    evidence: {
      signal: signal.name,
      observed: signal.observed,
      baseline: round(mean),
      threshold: round(threshold),
      details: {
        baselineFrom: own ? 'entity' : 'population',
        historyWindows: signal.baseline.n,
        ratio: round(ratio),
      },
    },
  };
}

export function subjectFor(stage: Stage, e: RequestEvent): Subject | null {
  if (stage === 'key') return e.key ? { kind: 'key', id: e.key.id } : null;
  return { kind: 'ip', id: e.client.ip };
}

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export const volumeSpikeByKey = volumeSpike('key');
export const volumeSpikeByIp = volumeSpike('ip');

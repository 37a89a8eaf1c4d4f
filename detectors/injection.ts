import type { Severity, Subject } from '../schemas/common.js';
import type { DetectorsConfig } from '../schemas/config/detectors.js';
import type { SignatureHit } from '../schemas/finding.js';
import type { RequestEvent } from '../schemas/request-event.js';
import { type Ewma, ewmaIdle, ewmaUpdate, newEwma } from './baselines/ewma.js';
import type { DetectorSpec } from './detector.js';
import { round } from './volume-spike.js';

type Config = DetectorsConfig['injection'];

/** The parts of a request the pack scans (the signature pack's `where`). */
export type ScanField = 'prompt' | 'path' | 'query' | 'user-agent';

/** The signature pack's verdict on one text. */
export interface ScanResult {
  score: number;
  hits: { id: string; category: string; weight: number }[];
}

export interface Scanner {
  scan(text: string, where: ScanField): ScanResult;
  /** Scores at or above this are a match. */
  threshold: number;
}

export interface InjectionState {
  hits: number;
  bestScore: number;
  signatures: Map<string, { category: string; count: number }> | null;
  fields: Set<ScanField> | null;
  /** The subject's usual matches per window: an app whose users discuss jailbreaks is judged by its habit. */
  baseline: Ewma;
}

const MAX_SIGNATURES = 20;

/** Scans path, query, user agent and prompt of every request; repeated matches from one subject escalate. */
export function injectionDetector(scanner: Scanner): DetectorSpec<InjectionState, Config> {
  // The engine asks about one event twice (whether it matters, then the update): scan it once.
  let lastEvent: RequestEvent | null = null;
  let lastMatch: ReturnType<typeof scanEvent> = null;
  const match = (e: RequestEvent) => {
    if (e !== lastEvent) {
      lastEvent = e;
      lastMatch = scanEvent(scanner, e);
    }
    return lastMatch;
  };
  return {
    name: 'injection',
    stage: 'key',
    config: (all) => all.injection,
    // In the key stage, a keyless request is keyed by its address, so its address is the subject.
    entityOf: (e): Subject => (e.key ? { kind: 'key', id: e.key.id } : { kind: 'ip', id: e.client.ip }),
    onlyExisting: (e) => match(e) === null,
    create: () => ({ hits: 0, bestScore: 0, signatures: null, fields: null, baseline: newEwma() }),
    update: (s, e) => {
      const m = match(e);
      if (!m) return;
      s.hits += 1;
      s.bestScore = Math.max(s.bestScore, m.result.score);
      s.fields = (s.fields ?? new Set()).add(m.field);
      s.signatures ??= new Map();
      for (const hit of m.result.hits) {
        const entry = s.signatures.get(hit.id);
        if (entry) entry.count += 1;
        else if (s.signatures.size < MAX_SIGNATURES)
          s.signatures.set(hit.id, { category: hit.category, count: 1 });
      }
    },
    roll: (s, emittedRank, idle) => {
      ewmaUpdate(s.baseline, emittedRank >= 2 ? s.baseline.mean : s.hits, 0.05);
      ewmaIdle(s.baseline, idle, 0.05);
      s.hits = 0;
      s.bestScore = 0;
      s.signatures = null;
      s.fields = null;
    },
    evaluate: (s, _e, subject, ctx) => {
      if (s.hits === 0) return [];
      const excess = s.hits - s.baseline.mean;
      const c = ctx.config;
      const severity: Severity =
        excess >= c.criticalHits ? 'critical' : excess >= c.highHits ? 'high' : 'medium';
      if (excess < 1 && severity === 'medium' && s.baseline.mean >= 1) return [];
      const signatures: SignatureHit[] = [...(s.signatures ?? [])]
        .map(([id, v]) => ({ id, category: v.category, count: v.count }))
        .sort((a, b) => b.count - a.count);
      return [
        {
          subject,
          severity,
          score: round(Math.min(1, s.bestScore * (1 - 1 / (2 + s.hits)))),
          evidence: {
            signal: 'signature_matches',
            observed: s.hits,
            baseline: round(s.baseline.mean),
            threshold: 1,
            signatures,
            details: {
              fields: [...(s.fields ?? [])].join(' '),
              categories: [...new Set(signatures.map((x) => x.category))].join(' '),
              bestScore: round(s.bestScore),
            },
          },
        },
      ];
    },
  };
}

/** Paths, query strings and user agents repeat across requests (every chat call has the same path): remember their verdicts. */
const URL_CACHE_SIZE = 4096;
const urlVerdicts = new WeakMap<Scanner, Map<string, ScanResult>>();

function scanUrlPart(scanner: Scanner, text: string, field: ScanField): ScanResult {
  let cache = urlVerdicts.get(scanner);
  if (!cache) {
    cache = new Map();
    urlVerdicts.set(scanner, cache);
  }
  const key = `${field}\u0000${text}`;
  let result = cache.get(key);
  if (!result) {
    result = scanner.scan(text, field);
    // Clearing rather than LRU bookkeeping: an attacker rotating paths only empties the cache.
    if (cache.size >= URL_CACHE_SIZE) cache.clear();
    cache.set(key, result);
  }
  return result;
}

/** The first field that matches, scanning the cheap fields first. */
function scanEvent(scanner: Scanner, e: RequestEvent): { field: ScanField; result: ScanResult } | null {
  for (const [field, text] of [
    ['path', e.http.path],
    ['query', e.http.query],
    ['user-agent', e.client.userAgent],
  ] as const) {
    if (!text) continue;
    const result = scanUrlPart(scanner, text, field);
    if (result.score >= scanner.threshold) return { field, result };
  }
  const prompt = e.prompt?.text;
  if (prompt) {
    const result = scanner.scan(prompt, 'prompt');
    if (result.score >= scanner.threshold) return { field: 'prompt', result };
  }
  return null;
}

import type { Severity, Subject } from '../schemas/common.js';
import type { DetectorsConfig } from '../schemas/config/detectors.js';
import type { RequestEvent } from '../schemas/request-event.js';
import type { DetectorSpec, Verdict } from './detector.js';
import { hash32 } from './hash.js';
import { sensitivePath } from './sensitive-paths.js';
import { round, subjectFor } from './volume-spike.js';

type Config = DetectorsConfig['authFailureBurst'];

const SET_CAP = 256;

export interface AuthIpState {
  failures: number;
  /** Of those, 401s that carried no key we could see: an access log that omits the credential. */
  keyless?: number;
  failingKeys: Set<number> | null;
  /** Event time until which a success from this address is treated as a likely compromise. */
  burstUntil: number;
  /** The burst's size, kept for the evidence of a later success. */
  burstFailures: number;
  burstDistinctKeys: number;
  /**
   * Keys that succeeded from this address in the current window, among its failures: stuffing tools
   * keep going after a hit, so the working key is often seen before the burst is recognised.
   */
  succeeded: Set<string> | null;
}

const MAX_SUCCEEDED = 16;

export interface AuthKeyState {
  failures: number;
  sources: Set<number> | null;
}

function isAuthFailure(e: RequestEvent): boolean {
  // Our own rejections of revoked keys and blocked addresses are enforcement, not attempts to guess.
  if (e.gateway.outcome === 'revoked' || e.gateway.outcome === 'blocked') return false;
  if (e.key === null) return isKeylessAuthFailure(e);
  if (e.http.status === 401) return true;
  // Some APIs answer a bad key with 403; a keyless 403 on /admin is a scanner's, which is probing.
  return e.http.status === 403 && sensitivePath(e.http.path) === null;
}

/**
 * A 401 without a visible key: in an access log that does not record credentials (most nginx logs)
 * this is all a password or key guesser leaves, so it counts towards the address's burst, as fail2ban
 * counts it. A 401 or 403 on a sensitive path is a scanner's, which is probing.
 */
function isKeylessAuthFailure(e: RequestEvent): boolean {
  return e.http.status === 401 && sensitivePath(e.http.path) === null;
}

function isSuccess(e: RequestEvent): boolean {
  return e.key !== null && e.http.status >= 200 && e.http.status < 300;
}

function add(set: Set<number> | null, value: number): Set<number> {
  const s = set ?? new Set<number>();
  if (s.size < SET_CAP) s.add(value);
  return s;
}

function burstSeverity(strength: number): Severity {
  return strength >= 5 ? 'critical' : 'high';
}

/**
 * Per source address: many failures, or many distinct keys failing (credential stuffing). A key that
 * then succeeds from that address is a likely compromise: a critical finding about the key.
 */
export const authFailureBurstByIp: DetectorSpec<AuthIpState, Config> = {
  name: 'auth_failure_burst',
  stage: 'ip',
  config: (all) => all.authFailureBurst,
  entityOf: (e) => (isAuthFailure(e) || isSuccess(e) ? subjectFor('ip', e) : null),
  onlyExisting: (e) => !isAuthFailure(e),
  create: () => ({
    failures: 0,
    keyless: 0,
    failingKeys: null,
    burstUntil: 0,
    burstFailures: 0,
    burstDistinctKeys: 0,
    succeeded: null,
  }),
  update: (s, e, ctx) => {
    if (isSuccess(e)) {
      s.succeeded ??= new Set();
      if (s.succeeded.size < MAX_SUCCEEDED) s.succeeded.add(e.key!.id);
      return;
    }
    if (!isAuthFailure(e)) return;
    s.failures += 1;
    if (e.key) s.failingKeys = add(s.failingKeys, hash32(e.key.id));
    else s.keyless = (s.keyless ?? 0) + 1;
    const distinct = s.failingKeys?.size ?? 0;
    // Only failures with keys make a success afterwards suspect: a client that forgot its key a few
    // times and then sent it is not a compromise.
    const keyed = s.failures - (s.keyless ?? 0);
    if (keyed >= ctx.config.ipFailures || distinct >= ctx.config.ipDistinctKeys) {
      s.burstUntil = ctx.ts + ctx.config.compromiseWithinMs;
      s.burstFailures = Math.max(s.burstFailures, s.failures);
      s.burstDistinctKeys = Math.max(s.burstDistinctKeys, distinct);
    }
  },
  roll: (s) => {
    s.failures = 0;
    s.keyless = 0;
    s.failingKeys = null;
    s.succeeded = null;
  },
  evaluate: (s, _e, subject, ctx) => {
    const c = ctx.config;
    const verdicts: Verdict[] = [];
    // Within a burst's aftermath, every key that worked from the bursting address (before the burst was
    // recognised in this window, or since) is a likely compromise. The engine emits each key once per window.
    if (ctx.ts <= s.burstUntil && s.burstFailures > 0) {
      for (const keyId of s.succeeded ?? []) {
        const key: Subject = { kind: 'key', id: keyId };
        verdicts.push({
          subject: key,
          severity: 'critical',
          score: 0.99,
          scope: `compromise:${keyId}`,
          evidence: {
            signal: 'success_after_burst',
            observed: s.burstFailures,
            baseline: null,
            threshold: c.ipFailures,
            details: {
              sourceIp: subject.id,
              failingKeys: s.burstDistinctKeys,
              withinMs: c.compromiseWithinMs,
            },
          },
        });
      }
    }
    const distinct = s.failingKeys?.size ?? 0;
    const strength = Math.max(s.failures / c.ipFailures, distinct / c.ipDistinctKeys);
    if (strength >= 1) {
      const stuffing = distinct / c.ipDistinctKeys >= s.failures / c.ipFailures;
      verdicts.push({
        subject,
        severity: burstSeverity(strength),
        score: round(Math.min(0.98, 1 - 1 / (1 + strength))),
        scope: 'burst',
        evidence: {
          signal: stuffing ? 'distinct_failing_keys' : 'auth_failures',
          observed: stuffing ? distinct : s.failures,
          baseline: null,
          threshold: stuffing ? c.ipDistinctKeys : c.ipFailures,
          details: { failures: s.failures, keylessFailures: s.keyless ?? 0, distinctFailingKeys: distinct },
        },
      });
    }
    return verdicts;
  },
};

/** Per key: one key failing again and again, from one address or many. */
export const authFailureBurstByKey: DetectorSpec<AuthKeyState, Config> = {
  name: 'auth_failure_burst',
  stage: 'key',
  config: (all) => all.authFailureBurst,
  entityOf: (e) => (isAuthFailure(e) ? subjectFor('key', e) : null),
  create: () => ({ failures: 0, sources: null }),
  update: (s, e) => {
    s.failures += 1;
    s.sources = add(s.sources, hash32(e.client.ip));
  },
  roll: (s) => {
    s.failures = 0;
    s.sources = null;
  },
  evaluate: (s, _e, subject, ctx) => {
    const strength = s.failures / ctx.config.keyFailures;
    if (strength < 1) return [];
    return [
      {
        subject,
        // The key is the target here, not the culprit: never critical, so it is not revoked for being attacked.
        severity: strength >= 3 ? 'high' : 'medium',
        score: round(Math.min(0.95, 1 - 1 / (1 + strength))),
        evidence: {
          signal: 'key_auth_failures',
          observed: s.failures,
          baseline: null,
          threshold: ctx.config.keyFailures,
          details: { distinctSources: s.sources?.size ?? 0 },
        },
      },
    ];
  },
};

import type { RateLimitConfig, RateLimitTier } from '../schemas/config/gateway.js';

/** A token bucket: `tokens` available at `at` (ms). May go negative when usage is charged after the fact. */
export interface Bucket {
  tokens: number;
  at: number;
}

/** The bucket refilled to `now` at `perMinute`, capped at one minute's worth. */
export function refill(b: Bucket, perMinute: number, now: number): Bucket {
  const elapsed = Math.max(0, now - b.at);
  return { tokens: Math.min(perMinute, b.tokens + (elapsed * perMinute) / 60_000), at: Math.max(b.at, now) };
}

/** Milliseconds until the bucket holds `need` tokens. */
export function waitFor(b: Bucket, need: number, perMinute: number): number {
  return b.tokens >= need ? 0 : Math.ceil(((need - b.tokens) * 60_000) / perMinute);
}

export type Decision =
  | { allowed: true }
  | { allowed: false; retryAfterMs: number; limit: 'requests' | 'tokens' };

interface Subject {
  tier: RateLimitTier;
  requests: Bucket | null;
  tokens: Bucket | null;
}

/**
 * Per-key (or, without a key, per-address) limits from the configured tiers: requests per minute
 * are taken one per request; tokens per minute are charged when a response reports its usage, and
 * a bucket in debt refuses requests until it has refilled. Buckets are kept for at most
 * `maxSubjects` subjects, the oldest forgotten first (a forgotten subject starts full again).
 */
export class RateLimiter {
  private readonly subjects = new Map<string, Subject>();

  constructor(private readonly config: RateLimitConfig) {}

  get enabled(): boolean {
    return this.config.enabled;
  }

  check(keyId: string | null, ip: string, now: number): Decision {
    if (!this.config.enabled) return { allowed: true };
    const s = this.subject(keyId, ip, now);
    if (s.tokens && s.tier.tokensPerMinute) {
      s.tokens = refill(s.tokens, s.tier.tokensPerMinute, now);
      if (s.tokens.tokens <= 0)
        return {
          allowed: false,
          limit: 'tokens',
          retryAfterMs: waitFor(s.tokens, 1, s.tier.tokensPerMinute),
        };
    }
    if (s.requests && s.tier.requestsPerMinute) {
      s.requests = refill(s.requests, s.tier.requestsPerMinute, now);
      if (s.requests.tokens < 1)
        return {
          allowed: false,
          limit: 'requests',
          retryAfterMs: waitFor(s.requests, 1, s.tier.requestsPerMinute),
        };
      s.requests.tokens -= 1;
    }
    return { allowed: true };
  }

  /** Charges the tokens a response used (input + output). */
  charge(keyId: string | null, ip: string, tokens: number, now: number): void {
    if (!this.config.enabled || tokens <= 0) return;
    const s = this.subjects.get(subjectKey(keyId, ip));
    if (!s?.tokens || !s.tier.tokensPerMinute) return;
    s.tokens = refill(s.tokens, s.tier.tokensPerMinute, now);
    // Debt is bounded by one minute's worth, so one huge response cannot lock a key out for hours.
    s.tokens.tokens = Math.max(-s.tier.tokensPerMinute, s.tokens.tokens - tokens);
  }

  private subject(keyId: string | null, ip: string, now: number): Subject {
    const k = subjectKey(keyId, ip);
    let s = this.subjects.get(k);
    if (!s) {
      const tierName = (keyId !== null && this.config.keys[keyId]) || this.config.defaultTier;
      const tier = this.config.tiers[tierName] ?? this.config.tiers[this.config.defaultTier]!;
      s = {
        tier,
        requests: tier.requestsPerMinute ? { tokens: tier.requestsPerMinute, at: now } : null,
        tokens: tier.tokensPerMinute ? { tokens: tier.tokensPerMinute, at: now } : null,
      };
      if (this.subjects.size >= this.config.maxSubjects) {
        const oldest = this.subjects.keys().next().value;
        if (oldest !== undefined) this.subjects.delete(oldest);
      }
      this.subjects.set(k, s);
    }
    return s;
  }
}

function subjectKey(keyId: string | null, ip: string): string {
  return keyId === null ? `ip:${ip}` : `key:${keyId}`;
}

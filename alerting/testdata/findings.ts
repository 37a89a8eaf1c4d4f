import type { Finding } from '../../schemas/finding.js';

/** A valid Finding; tests override what they are about. */
export function finding(overrides: Partial<Finding> = {}): Finding {
  const detectedAt = overrides.detectedAt ?? '2026-11-30T12:00:30.000Z';
  return {
    schema: 'gatehound.finding.v1',
    id: `f-${overrides.detector ?? 'auth_failure_burst'}-${detectedAt}`,
    detector: 'auth_failure_burst',
    subject: { kind: 'key', id: '0123456789abcdef0123456789abcdef' },
    score: 0.9,
    severity: 'high',
    window: { start: '2026-11-30T12:00:00.000Z', end: '2026-11-30T12:01:00.000Z' },
    firstSeen: '2026-11-30T12:00:01.000Z',
    detectedAt,
    evidence: {
      signal: 'auth_failures_per_minute',
      observed: 40,
      baseline: 1,
      threshold: 10,
      sampleEventIds: ['evt-1', 'evt-2'],
    },
    ...overrides,
  };
}

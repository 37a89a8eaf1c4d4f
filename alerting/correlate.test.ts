import { describe, expect, it } from 'vitest';
import type { Finding } from '../schemas/finding.js';
import type { Incident } from '../schemas/incident.js';
import { correlate, incidentIdFor, incidentsFrom, mergeChanges, NO_CHANGE } from './correlate.js';
import { finding } from './testdata/findings.js';

const QUIET = 30 * 60_000;
const OTHER_KEY = { kind: 'key' as const, id: 'fedcba9876543210fedcba9876543210' };

/** Runs findings through correlation as the responder does: one current incident per (type, subject). */
const run = (findings: Finding[]): Incident[] => incidentsFrom(findings, QUIET);

const at = (minute: number) => `2026-11-30T12:${String(minute).padStart(2, '0')}:00.000Z`;

describe('correlation: findings in, incidents out', () => {
  it('joins findings of one type on one subject while they keep coming', () => {
    const incidents = run([
      finding({ id: 'a', detectedAt: at(1), severity: 'medium', score: 0.5 }),
      finding({ id: 'b', detectedAt: at(5), severity: 'critical', score: 0.99, firstSeen: at(0) }),
      finding({ id: 'c', detectedAt: at(9), severity: 'high', score: 0.7 }),
    ]);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      id: incidentIdFor(finding({ id: 'a' })),
      status: 'open',
      severity: 'critical',
      score: 0.99,
      findingCount: 3,
      firstSeen: at(0),
      lastSeen: at(9),
      detectedAt: at(1),
    });
  });

  it('keeps the worst finding’s evidence', () => {
    const worst = {
      signal: 'auth_failures_per_minute',
      observed: 400,
      baseline: 1,
      threshold: 10,
      sampleEventIds: [],
    };
    const [incident] = run([
      finding({ id: 'a', detectedAt: at(1), severity: 'high' }),
      finding({ id: 'b', detectedAt: at(2), severity: 'critical', evidence: worst }),
      finding({ id: 'c', detectedAt: at(3), severity: 'high' }),
    ]);
    expect(incident!.evidence.observed).toBe(400);
  });

  it('must not merge different types on one subject', () => {
    const incidents = run([
      finding({ id: 'a', detector: 'auth_failure_burst' }),
      finding({ id: 'b', detector: 'probing' }),
    ]);
    expect(incidents.map((i) => i.type).sort()).toEqual(['auth_failure_burst', 'probing']);
  });

  it('must not merge one type on different subjects', () => {
    expect(run([finding({ id: 'a' }), finding({ id: 'b', subject: OTHER_KEY })])).toHaveLength(2);
    expect(
      run([
        finding({ id: 'a' }),
        finding({ id: 'b', subject: { kind: 'ip', id: '0123456789abcdef0123456789abcdef' } }),
      ]),
    ).toHaveLength(2);
  });

  it('opens a new incident after a quiet period (event time), with its own deterministic id', () => {
    const incidents = run([
      finding({ id: 'a', detectedAt: '2026-11-30T12:00:00.000Z' }),
      finding({ id: 'b', detectedAt: '2026-11-30T12:30:00.000Z' }), // exactly the quiet period: joins
      finding({ id: 'c', detectedAt: '2026-11-30T13:00:00.001Z' }), // quiet for longer: new incident
    ]);
    expect(incidents.map((i) => i.findingCount)).toEqual([2, 1]);
    expect(incidents[1]!.id).toBe(incidentIdFor(finding({ id: 'c' })));
  });

  it('must not join an incident a person resolved', () => {
    const first = correlate(null, finding({ id: 'a' }), QUIET).incident;
    const next = correlate({ ...first, status: 'resolved' }, finding({ id: 'b', detectedAt: at(2) }), QUIET);
    expect(next.change.opened).toBe(true);
    expect(next.incident.id).not.toBe(first.id);
  });

  it('still joins an acknowledged incident, leaving its status alone', () => {
    const first = correlate(null, finding({ id: 'a' }), QUIET).incident;
    const next = correlate(
      { ...first, status: 'acknowledged' },
      finding({ id: 'b', detectedAt: at(2) }),
      QUIET,
    );
    expect(next.incident).toMatchObject({ id: first.id, status: 'acknowledged', findingCount: 2 });
  });

  it('reports what changed: opened, then the severity it rose from', () => {
    const a = correlate(null, finding({ id: 'a', severity: 'medium' }), QUIET);
    const b = correlate(a.incident, finding({ id: 'b', severity: 'critical', detectedAt: at(2) }), QUIET);
    const c = correlate(b.incident, finding({ id: 'c', severity: 'low', detectedAt: at(3) }), QUIET);
    expect(a.change).toMatchObject({ opened: true, severityFrom: null, findingsAdded: 1 });
    expect(b.change).toMatchObject({ opened: false, severityFrom: 'medium' });
    expect(c.change.severityFrom).toBeNull();
    expect(c.incident.severity).toBe('critical');
  });

  it('orders findings by event time first, as they happened rather than as they arrived', () => {
    const incidents = run([
      finding({ id: 'late', detectedAt: at(50), severity: 'high' }),
      finding({ id: 'early', detectedAt: at(1), severity: 'medium' }),
    ]);
    // 49 minutes apart, more than the quiet period: two incidents, the first opened by the early one.
    expect(incidents.map((i) => i.id)).toEqual([
      incidentIdFor(finding({ id: 'early' })),
      incidentIdFor(finding({ id: 'late' })),
    ]);
  });

  it('folds several changes into one digest', () => {
    const merged = mergeChanges(
      { ...NO_CHANGE, severityFrom: 'medium', findingsAdded: 2, notes: ['key revoked for 1h'] },
      { ...NO_CHANGE, severityFrom: 'high', findingsAdded: 3 },
    );
    expect(merged).toEqual({
      ...NO_CHANGE,
      severityFrom: 'medium',
      findingsAdded: 5,
      notes: ['key revoked for 1h'],
    });
  });

  it('gives the same incident id for the same first finding, whatever else differs', () => {
    expect(incidentIdFor(finding({ id: 'x', score: 0.1 }))).toBe(
      incidentIdFor(finding({ id: 'x', score: 0.9 })),
    );
    expect(incidentIdFor(finding({ id: 'x' }))).not.toBe(incidentIdFor(finding({ id: 'y' })));
  });
});

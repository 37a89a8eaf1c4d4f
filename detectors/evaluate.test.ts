import { describe, expect, it } from 'vitest';
import type { Finding } from '../schemas/finding.js';
import { scoreDetections } from './evaluate.js';

function finding(detector: Finding['detector'], subject: string, at: string): Finding {
  const [kind, id] = subject.split(':') as ['key' | 'ip', string];
  return {
    schema: 'gatehound.finding.v1',
    id: `${detector}-${subject}-${at}`,
    detector,
    subject: { kind, id },
    score: 0.9,
    severity: 'high',
    window: { start: at, end: at },
    firstSeen: at,
    detectedAt: at,
    evidence: { signal: 's', observed: 1, baseline: null, threshold: 1, sampleEventIds: [] },
  };
}

describe('scoreDetections', () => {
  const attacks = [
    {
      id: 'a1',
      type: 'probing' as const,
      subjects: ['ip:1.1.1.1'],
      start: '2026-01-01T10:00:00Z',
      end: '2026-01-01T10:05:00Z',
    },
    {
      id: 'a2',
      type: 'probing' as const,
      subjects: ['ip:2.2.2.2'],
      start: '2026-01-01T11:00:00Z',
      end: '2026-01-01T11:05:00Z',
    },
  ];

  it('counts an alert as true only for a subject of an attack of its type, during the attack', () => {
    const s = scoreDetections(
      [
        finding('probing', 'ip:1.1.1.1', '2026-01-01T10:00:30Z'),
        finding('probing', 'ip:1.1.1.1', '2026-01-01T10:01:30Z'),
        finding('probing', 'ip:3.3.3.3', '2026-01-01T10:02:00Z'),
        finding('volume_spike', 'ip:2.2.2.2', '2026-01-01T11:01:00Z'),
      ],
      attacks,
    ).probing;
    expect(s).toEqual({
      attacks: 2,
      detected: 1,
      alerts: 2,
      truePositiveAlerts: 1,
      precision: 0.5,
      recall: 0.5,
      medianTimeToDetectS: 30,
    });
  });

  it('does not credit a finding long after the attack ended', () => {
    const s = scoreDetections([finding('probing', 'ip:2.2.2.2', '2026-01-01T12:00:00Z')], attacks).probing;
    expect(s.detected).toBe(0);
    expect(s.precision).toBe(0);
  });
});

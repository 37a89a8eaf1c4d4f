import { median } from 'simple-statistics';
import type { DetectorName } from '../schemas/common.js';
import type { Finding } from '../schemas/finding.js';

export interface LabelledAttack {
  id: string;
  type: DetectorName;
  subjects: string[];
  start: string;
  end: string;
}

export interface TypeScore {
  attacks: number;
  detected: number;
  /** Alerts: findings of one type on one subject, grouped while they keep coming (as incidents are). */
  alerts: number;
  truePositiveAlerts: number;
  precision: number | null;
  recall: number | null;
  /** Event time from the attack's first event to its first matching finding. */
  medianTimeToDetectS: number | null;
}

/** A finding this long after an attack's last event still belongs to it (late windows, lateness). */
const GRACE_MS = 10 * 60_000;
/** Findings of one type and subject further apart than this are separate alerts. */
const ALERT_GAP_MS = 30 * 60_000;

/**
 * Precision, recall and time-to-detect per attack type, at the level an operator sees: an alert is
 * true when it names a subject of an attack of its type during that attack.
 */
export function scoreDetections(
  findings: Finding[],
  attacks: LabelledAttack[],
): Record<DetectorName, TypeScore> {
  const types: DetectorName[] = ['volume_spike', 'probing', 'auth_failure_burst', 'injection'];
  const out = {} as Record<DetectorName, TypeScore>;
  for (const type of types) {
    const mine = attacks.filter((a) => a.type === type);
    const matches = (f: Finding, a: LabelledAttack) => {
      const t = Date.parse(f.detectedAt);
      return (
        a.subjects.includes(`${f.subject.kind}:${f.subject.id}`) &&
        t >= Date.parse(a.start) &&
        t <= Date.parse(a.end) + GRACE_MS
      );
    };
    const ofType = findings
      .filter((f) => f.detector === type)
      .sort((a, b) => Date.parse(a.detectedAt) - Date.parse(b.detectedAt));
    const alerts = groupAlerts(ofType);
    const truePositiveAlerts = alerts.filter((alert) =>
      alert.some((f) => mine.some((a) => matches(f, a))),
    ).length;
    const ttd: number[] = [];
    let detected = 0;
    for (const a of mine) {
      const first = ofType.find((f) => matches(f, a));
      if (!first) continue;
      detected++;
      ttd.push((Date.parse(first.detectedAt) - Date.parse(a.start)) / 1000);
    }
    out[type] = {
      attacks: mine.length,
      detected,
      alerts: alerts.length,
      truePositiveAlerts,
      precision: alerts.length ? truePositiveAlerts / alerts.length : null,
      recall: mine.length ? detected / mine.length : null,
      medianTimeToDetectS: ttd.length ? median(ttd) : null,
    };
  }
  return out;
}

function groupAlerts(sorted: Finding[]): Finding[][] {
  const open = new Map<string, Finding[]>();
  const alerts: Finding[][] = [];
  for (const f of sorted) {
    const key = `${f.subject.kind}:${f.subject.id}`;
    const current = open.get(key);
    const last = current?.[current.length - 1];
    if (current && last && Date.parse(f.detectedAt) - Date.parse(last.detectedAt) <= ALERT_GAP_MS)
      current.push(f);
    else {
      const alert = [f];
      open.set(key, alert);
      alerts.push(alert);
    }
  }
  return alerts;
}

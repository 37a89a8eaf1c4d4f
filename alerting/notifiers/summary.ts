import type { DetectorName, Severity } from '../../schemas/common.js';
import type { Incident } from '../../schemas/incident.js';

/** The daily digest: what happened over a day, sent to every channel that takes summaries. */
export interface Summary {
  kind: 'summary';
  /** `summary.<day>`: the same from every responder, so receivers (and the actions index) dedupe. */
  id: string;
  at: string;
  since: string;
  total: number;
  stillOpen: number;
  bySeverity: Record<Severity, number>;
  byType: Partial<Record<DetectorName, number>>;
  /** The worst incidents first, at most 10. */
  top: Pick<Incident, 'id' | 'type' | 'subject' | 'severity' | 'status' | 'findingCount'>[];
}

const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Pure: incidents seen in the period → the digest. */
export function summarize(incidents: readonly Incident[], since: string, at: string): Summary {
  const bySeverity: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  const byType: Partial<Record<DetectorName, number>> = {};
  for (const i of incidents) {
    bySeverity[i.severity]++;
    byType[i.type] = (byType[i.type] ?? 0) + 1;
  }
  const top = [...incidents]
    .sort(
      (a, b) =>
        RANK[a.severity] - RANK[b.severity] || b.findingCount - a.findingCount || (a.id < b.id ? -1 : 1),
    )
    .slice(0, 10)
    .map(({ id, type, subject, severity, status, findingCount }) => ({
      id,
      type,
      subject,
      severity,
      status,
      findingCount,
    }));
  return {
    kind: 'summary',
    id: `summary.${at.slice(0, 10)}`,
    at,
    since,
    total: incidents.length,
    stillOpen: incidents.filter((i) => i.status !== 'resolved').length,
    bySeverity,
    byType,
    top,
  };
}

import { createHash } from 'node:crypto';
import { maxSeverity, type Severity, severityRank } from '../schemas/common.js';
import type { Finding } from '../schemas/finding.js';
import type { Incident } from '../schemas/incident.js';

/** What a finding did to its incident: the input of policy and of the notification digest. */
export interface Change {
  opened: boolean;
  resolved: boolean;
  /** The severity before the change, when it rose. */
  severityFrom: Severity | null;
  findingsAdded: number;
  /** Human-readable notes, e.g. "key revoked for 1h". */
  notes: string[];
}

export const NO_CHANGE: Change = {
  opened: false,
  resolved: false,
  severityFrom: null,
  findingsAdded: 0,
  notes: [],
};

/** Findings of one type on one subject share an incident key. */
export function incidentKey(f: { type?: string; detector?: string; subject: Finding['subject'] }): string {
  return `${f.type ?? f.detector}|${f.subject.kind}|${f.subject.id}`;
}

/** Deterministic from the first finding, so a replay or a second responder builds the same incident. */
export function incidentIdFor(first: Finding): string {
  const digest = createHash('sha256')
    .update(`${first.detector}|${first.subject.kind}|${first.subject.id}|${first.id}`)
    .digest('hex');
  return `inc-${digest.slice(0, 32)}`;
}

/** A finding joins an incident that is not resolved and has not been quiet longer than `quietMs` (event time). */
export function joins(incident: Incident, finding: Finding, quietMs: number): boolean {
  return (
    incident.status !== 'resolved' &&
    incident.type === finding.detector &&
    incident.subject.kind === finding.subject.kind &&
    incident.subject.id === finding.subject.id &&
    Date.parse(finding.detectedAt) - Date.parse(incident.lastSeen) <= quietMs
  );
}

export function openIncident(finding: Finding): Incident {
  return {
    id: incidentIdFor(finding),
    type: finding.detector,
    subject: finding.subject,
    severity: finding.severity,
    status: 'open',
    score: finding.score,
    firstSeen: finding.firstSeen,
    lastSeen: finding.detectedAt,
    detectedAt: finding.detectedAt,
    findingCount: 1,
    evidence: finding.evidence,
    actions: [],
  };
}

/** Folds a finding into its incident: severity and score only rise, the worst finding's evidence is kept. */
export function fold(incident: Incident, finding: Finding): Incident {
  const worse =
    severityRank(finding.severity) > severityRank(incident.severity) ||
    (finding.severity === incident.severity && finding.score > incident.score);
  return {
    ...incident,
    severity: maxSeverity(incident.severity, finding.severity),
    score: Math.max(incident.score, finding.score),
    firstSeen: earliest(incident.firstSeen, finding.firstSeen),
    lastSeen: latest(incident.lastSeen, finding.detectedAt),
    findingCount: incident.findingCount + 1,
    evidence: worse ? finding.evidence : incident.evidence,
  };
}

/**
 * Findings → incidents: the finding joins `current` when it may, otherwise it opens a new incident.
 * Pure, so the correlation fixtures need no store and no clock.
 */
export function correlate(
  current: Incident | null,
  finding: Finding,
  quietMs: number,
): { incident: Incident; change: Change } {
  if (!current || !joins(current, finding, quietMs)) {
    return { incident: openIncident(finding), change: { ...NO_CHANGE, opened: true, findingsAdded: 1 } };
  }
  const incident = fold(current, finding);
  const rose = incident.severity !== current.severity;
  return {
    incident,
    change: { ...NO_CHANGE, severityFrom: rose ? current.severity : null, findingsAdded: 1 },
  };
}

/** Several changes to one incident as one digest: what a throttled notification reports. */
export function mergeChanges(a: Change, b: Change): Change {
  return {
    opened: a.opened || b.opened,
    resolved: b.resolved || (a.resolved && b.findingsAdded === 0),
    severityFrom: a.severityFrom ?? b.severityFrom,
    findingsAdded: a.findingsAdded + b.findingsAdded,
    notes: [...a.notes, ...b.notes].slice(-20),
  };
}

function earliest(a: string, b: string): string {
  return Date.parse(b) < Date.parse(a) ? b : a;
}

function latest(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/**
 * A whole set of findings as the incidents the responder would build from them, in event-time order;
 * for offline scoring (`gatehound replay --detect`), where no store holds the open incidents.
 */
export function incidentsFrom(findings: Iterable<Finding>, quietMs: number): Incident[] {
  const ordered = [...findings].sort((a, b) => Date.parse(a.detectedAt) - Date.parse(b.detectedAt));
  const all: Incident[] = [];
  /** Where each subject's current incident is in `all`. */
  const current = new Map<string, number>();
  for (const f of ordered) {
    const key = incidentKey(f);
    const at = current.get(key);
    const { incident, change } = correlate(at === undefined ? null : all[at]!, f, quietMs);
    if (change.opened) {
      current.set(key, all.length);
      all.push(incident);
    } else all[at!] = incident;
  }
  return all;
}

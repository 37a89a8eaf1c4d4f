import type { Incident } from '../../schemas/incident.js';
import type { Change } from '../correlate.js';
import { withoutTrailingSlashes } from '../url.js';
import type { Summary } from './summary.js';

/** One notification about one incident: its state now and what changed since the last message. */
export interface Notice {
  /** Deterministic from the incident's state, so a redelivery carries the same id (receivers dedupe on it). */
  id: string;
  kind: 'opened' | 'updated' | 'resolved';
  at: string;
  incident: Incident;
  change: Change;
  links: { api: string | null; dashboards: string | null };
}

/** What a notifier sends: a notice about one incident, or the daily summary. */
export type Message = Notice | Summary;

/** A destination for notices: thin, formatting and one HTTP call; retries and timeouts live in the dispatcher. */
export interface Notifier {
  readonly name: string;
  /** Whether the daily summary goes here (an Alertmanager receiver has no such message). */
  readonly summaries: boolean;
  send(message: Message, signal: AbortSignal): Promise<void>;
}

export function noticeId(incident: Incident, kind: Notice['kind']): string {
  return `${incident.id}.${kind}.${Date.parse(incident.lastSeen)}.${incident.findingCount}`;
}

export function noticeKind(change: Change, firstForIncident: boolean): Notice['kind'] {
  if (change.resolved) return 'resolved';
  return firstForIncident || change.opened ? 'opened' : 'updated';
}

export interface LinkBases {
  apiUrl: string | null;
  dashboardsUrl: string | null;
}

export function incidentLinks(incidentId: string, bases: LinkBases): Notice['links'] {
  const id = encodeURIComponent(incidentId);
  const query = encodeURIComponent(`id:"${incidentId}"`);
  return {
    api: bases.apiUrl ? `${withoutTrailingSlashes(bases.apiUrl)}/v1/incidents/${id}` : null,
    dashboards: bases.dashboardsUrl
      ? `${withoutTrailingSlashes(bases.dashboardsUrl)}/app/discover#/?_a=(query:(language:kuery,query:'${query}'))`
      : null,
  };
}

/** The evidence in one line: "requests_per_minute 940 (baseline 12, threshold 120); signatures: a×3; 5 sample events". */
export function evidenceLine(incident: Incident): string {
  const e = incident.evidence;
  const parts = [
    `${e.signal} ${round(e.observed)} (baseline ${e.baseline === null ? 'none' : round(e.baseline)}, threshold ${round(e.threshold)})`,
  ];
  if (e.signatures?.length)
    parts.push(
      `signatures: ${e.signatures
        .slice(0, 5)
        .map((s) => `${s.id}×${s.count}`)
        .join(', ')}`,
    );
  if (e.sampleEventIds.length) parts.push(`${e.sampleEventIds.length} sample events`);
  return parts.join('; ');
}

/** "severity high → critical, +3 findings, key revoked for 1h" */
export function changeLine(notice: Notice): string {
  const c = notice.change;
  const parts: string[] = [];
  if (notice.kind === 'opened') parts.push('new incident');
  if (c.resolved) parts.push('resolved after a quiet period');
  if (c.severityFrom) parts.push(`severity ${c.severityFrom} → ${notice.incident.severity}`);
  if (c.findingsAdded > 0) parts.push(`+${c.findingsAdded} finding${c.findingsAdded === 1 ? '' : 's'}`);
  parts.push(...c.notes);
  return parts.join(', ');
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

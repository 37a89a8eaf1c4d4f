import { severityRank } from '../schemas/common.js';
import type { Incident } from '../schemas/incident.js';

/** How `gatehound replay --detect` shows what it found: the worst first, one line per incident. */
export function incidentTable(incidents: Incident[]): string {
  if (incidents.length === 0) return 'no incidents: nothing in this log crossed a detector threshold';
  const rows = [...incidents]
    .sort(
      (a, b) =>
        severityRank(b.severity) - severityRank(a.severity) ||
        Date.parse(a.detectedAt) - Date.parse(b.detectedAt),
    )
    .map((i) => [
      i.severity,
      i.type,
      `${i.subject.kind} ${i.subject.id}`,
      String(i.findingCount),
      i.firstSeen,
      i.lastSeen,
      `${i.evidence.signal} ${round(i.evidence.observed)} (threshold ${round(i.evidence.threshold)})`,
    ]);
  const header = ['severity', 'type', 'subject', 'findings', 'first seen', 'last seen', 'evidence'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** One line of counts: incidents by severity and subjects by kind. */
export function incidentCounts(incidents: Incident[], findings: number): string {
  const bySeverity = new Map<string, number>();
  for (const i of incidents) bySeverity.set(i.severity, (bySeverity.get(i.severity) ?? 0) + 1);
  const severities = (['critical', 'high', 'medium', 'low'] as const)
    .filter((s) => bySeverity.has(s))
    .map((s) => `${bySeverity.get(s)} ${s}`)
    .join(', ');
  const subjects = new Set(incidents.map((i) => `${i.subject.kind}:${i.subject.id}`)).size;
  return `${incidents.length} incident(s)${severities ? ` (${severities})` : ''} on ${subjects} subject(s), from ${findings} finding(s)`;
}

const round = (x: number) => String(Math.round(x * 100) / 100);

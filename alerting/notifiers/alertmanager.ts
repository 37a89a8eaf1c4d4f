import { createHash } from 'node:crypto';
import { changeLine, evidenceLine, type Notice } from './notice.js';

/** Alertmanager's "zero" time: what endsAt says while an alert still fires. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The Prometheus Alertmanager webhook payload, version "4", so existing receivers work unchanged. */
export function alertmanagerPayload(notice: Notice, receiver: string) {
  const i = notice.incident;
  const status = notice.kind === 'resolved' ? 'resolved' : 'firing';
  const labels = {
    alertname: `gatehound_${i.type}`,
    incident: i.id,
    severity: i.severity,
    type: i.type,
    subject_kind: i.subject.kind,
    subject_id: i.subject.id,
  };
  const annotations = {
    summary: `${i.severity} ${i.type} on ${i.subject.kind} ${i.subject.id}`,
    description: evidenceLine(i),
    change: changeLine(notice),
    ...(notice.links.dashboards ? { dashboard: notice.links.dashboards } : {}),
  };
  return {
    version: '4',
    groupKey: `{}:{incident="${i.id}"}`,
    truncatedAlerts: 0,
    status,
    receiver,
    groupLabels: { incident: i.id },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: notice.links.api ? new URL(notice.links.api).origin : '',
    alerts: [
      {
        status,
        labels,
        annotations,
        startsAt: i.detectedAt,
        endsAt: status === 'resolved' ? i.lastSeen : ZERO_TIME,
        generatorURL: notice.links.api ?? '',
        fingerprint: createHash('sha256').update(JSON.stringify(labels)).digest('hex').slice(0, 16),
      },
    ],
  };
}

import { Counter } from 'prom-client';
import type { Metrics } from '../infra/metrics.js';

/** The responder's own counters, on the shared registry (created once per registry). */
export function responderMetrics(metrics: Metrics) {
  const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> =>
    (metrics.registry.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter({ name, help, labelNames, registers: [metrics.registry] });
  return {
    findings: counter('gatehound_responder_findings_total', 'Findings by outcome', ['outcome']),
    incidents: counter('gatehound_incidents_opened_total', 'Incidents opened, by type', ['type']),
    notifications: counter('gatehound_notifications_total', 'Notifications by channel and status', [
      'channel',
      'status',
    ]),
    actions: counter('gatehound_actions_total', 'Actions recorded, by type and status', ['type', 'status']),
  };
}
export type ResponderMetrics = ReturnType<typeof responderMetrics>;

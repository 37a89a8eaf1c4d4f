import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Metrics } from '../infra/metrics.js';
import type { RevocationSet } from '../infra/revocations.js';

/** The API's own metrics, on the shared registry next to the vocabulary every role exports. */
export interface ApiMetrics {
  requests: Histogram<'method' | 'route' | 'status'>;
  auditFailures: Counter;
}

export function apiMetrics(metrics: Metrics, revocations: RevocationSet): ApiMetrics {
  const registry = metrics.registry;
  const requests = once(
    registry,
    'gatehound_api_request_duration_seconds',
    () =>
      new Histogram({
        name: 'gatehound_api_request_duration_seconds',
        help: 'API request latency, by method, route pattern and status',
        labelNames: ['method', 'route', 'status'],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [registry],
      }),
  );
  const auditFailures = once(
    registry,
    'gatehound_api_audit_write_failures_total',
    () =>
      new Counter({
        name: 'gatehound_api_audit_write_failures_total',
        help: 'Audit records that could not be written to the actions index (each is logged in full)',
        registers: [registry],
      }),
  );
  registry.removeSingleMetric('gatehound_revocations_active');
  new Gauge({
    name: 'gatehound_revocations_active',
    help: 'Revocations in force now, by subject kind (expired ones excluded)',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const counts = { key: 0, ip: 0 };
      for (const r of revocations.active()) counts[r.subject.kind]++;
      this.set({ kind: 'key' }, counts.key);
      this.set({ kind: 'ip' }, counts.ip);
    },
  });
  return { requests, auditFailures };
}

/** Building two apps on one registry (tests, `gatehound start`) must reuse, not re-register. */
function once<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Metrics, Role } from '../infra/metrics.js';

/**
 * The ingest stage's own metrics, beside the shared vocabulary (produced, dropped by reason, dead
 * letters, errors). Registered once per registry, so a proxy and a Fastify plugin in one process
 * (or several in a test) share them.
 */
export class IngestMetrics {
  readonly requests: Counter<'role' | 'outcome' | 'status_class'>;
  readonly upstreamErrors: Counter<'reason'>;
  readonly duration: Histogram<'role' | 'outcome'>;
  readonly redactions: Counter<'role' | 'type'>;
  readonly buffered: Gauge<'role'>;
  readonly spoolBytes: Gauge<'role'>;
  readonly spooled: Counter<'role'>;
  readonly sendFailures: Counter<'role'>;
  readonly replayLines: Counter<'format' | 'result'>;

  constructor(readonly shared: Metrics) {
    const r = shared.registry;
    this.requests = counter(r, 'gatehound_ingest_requests_total', 'Requests seen by a gateway', [
      'role',
      'outcome',
      'status_class',
    ]);
    this.upstreamErrors = counter(r, 'gatehound_proxy_upstream_errors_total', 'Upstream failures, by kind', [
      'reason',
    ]);
    this.duration =
      (r.getSingleMetric('gatehound_ingest_request_duration_seconds') as Histogram<'role' | 'outcome'>) ??
      new Histogram({
        name: 'gatehound_ingest_request_duration_seconds',
        help: 'Request duration as the gateway saw it, from the first byte in to the last byte out',
        labelNames: ['role', 'outcome'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
        registers: [r],
      });
    this.redactions = counter(r, 'gatehound_ingest_redactions_total', 'Placeholders inserted, by type', [
      'role',
      'type',
    ]);
    this.buffered = gauge(r, 'gatehound_ingest_events_buffered', 'Events in memory waiting for the bus', [
      'role',
    ]);
    this.spoolBytes = gauge(r, 'gatehound_ingest_spool_bytes', 'Bytes of events waiting in the spool', [
      'role',
    ]);
    this.spooled = counter(r, 'gatehound_ingest_spooled_total', 'Events written to the spool', ['role']);
    this.sendFailures = counter(r, 'gatehound_ingest_send_failures_total', 'Batches the bus did not take', [
      'role',
    ]);
    this.replayLines = counter(
      r,
      'gatehound_replay_lines_total',
      'Log lines replayed, by format and result',
      ['format', 'result'],
    );
  }

  private readonly children = new Map<
    string,
    { requests: { inc(): void }; duration: { observe(v: number): void } }
  >();

  request(role: Role, outcome: string, status: number, seconds: number): void {
    // Label children are looked up once per combination, not hashed per request.
    const statusClass = `${Math.floor(status / 100)}xx`;
    const k = `${role}|${outcome}|${statusClass}`;
    let c = this.children.get(k);
    if (!c) {
      c = {
        requests: this.requests.labels({ role, outcome, status_class: statusClass }),
        duration: this.duration.labels({ role, outcome }),
      };
      this.children.set(k, c);
    }
    c.requests.inc();
    c.duration.observe(seconds);
  }

  redacted(role: Role, counts: Record<string, number | undefined>): void {
    for (const [type, n] of Object.entries(counts)) if (n) this.redactions.inc({ role, type }, n);
  }
}

function counter<L extends string>(r: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return (r.getSingleMetric(name) as Counter<L>) ?? new Counter({ name, help, labelNames, registers: [r] });
}

function gauge<L extends string>(r: Registry, name: string, help: string, labelNames: L[]): Gauge<L> {
  return (r.getSingleMetric(name) as Gauge<L>) ?? new Gauge({ name, help, labelNames, registers: [r] });
}

const cache = new WeakMap<Metrics, IngestMetrics>();

export function ingestMetrics(shared: Metrics): IngestMetrics {
  let m = cache.get(shared);
  if (!m) {
    m = new IngestMetrics(shared);
    cache.set(shared, m);
  }
  return m;
}

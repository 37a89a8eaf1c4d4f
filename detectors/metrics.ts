import type { Counter, Gauge, Histogram } from 'prom-client';
import type { Metrics } from '../infra/metrics.js';

/** The detect role's own metrics, on the shared registry. */
export class DetectorMetrics {
  readonly findings: Counter<'detector' | 'severity'>;
  readonly entities: Gauge<'stage'>;
  readonly evicted: Gauge<'stage'>;
  readonly late: Gauge<'stage'>;
  readonly duplicates: Gauge<'stage'>;
  readonly batchSeconds: Histogram<'stage'>;

  constructor(metrics: Metrics) {
    this.findings = metrics.counter({
      name: 'gatehound_findings_total',
      help: 'Findings produced, by detector and severity',
      labelNames: ['detector', 'severity'],
    });
    this.entities = metrics.gauge({
      name: 'gatehound_tracked_entities',
      help: 'Entities with detector state, by stage',
      labelNames: ['stage'],
    });
    this.evicted = metrics.gauge({
      name: 'gatehound_evicted_entities',
      help: 'Entities evicted since start (cap or idleness), by stage',
      labelNames: ['stage'],
    });
    this.late = metrics.gauge({
      name: 'gatehound_late_events',
      help: 'Events dropped as later than the allowed lateness, by stage',
      labelNames: ['stage'],
    });
    this.duplicates = metrics.gauge({
      name: 'gatehound_duplicate_events',
      help: 'Events dropped as a second copy of a recent event id, by stage',
      labelNames: ['stage'],
    });
    this.batchSeconds = metrics.histogram({
      name: 'gatehound_detect_batch_seconds',
      help: 'Time to score one batch and have its findings acknowledged, by stage',
      labelNames: ['stage'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
  }
}

import {
  Counter,
  type CounterConfiguration,
  collectDefaultMetrics,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  Registry,
} from 'prom-client';
import type { ErrorCode } from './errors.js';

/** The roles of the pipeline, as metric labels. */
export type Role = 'proxy' | 'replay' | 'detect' | 'respond' | 'api';

/**
 * The fixed telemetry vocabulary every role shares: what came in, what went out, what was dropped
 * and why, and errors by code. Stage-specific metrics register on the same registry in their stage.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly consumed: Counter<'role' | 'topic'>;
  readonly produced: Counter<'role' | 'topic'>;
  readonly dropped: Counter<'role' | 'reason'>;
  readonly deadLettered: Counter<'role' | 'code'>;
  readonly errors: Counter<'role' | 'code'>;
  readonly up: Gauge<'role'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics)
      collectDefaultMetrics({ register: this.registry, prefix: 'gatehound_process_' });
    this.consumed = this.counter({
      name: 'gatehound_messages_consumed_total',
      help: 'Messages consumed, by role and topic',
      labelNames: ['role', 'topic'],
    });
    this.produced = this.counter({
      name: 'gatehound_messages_produced_total',
      help: 'Messages produced, by role and topic',
      labelNames: ['role', 'topic'],
    });
    this.dropped = this.counter({
      name: 'gatehound_dropped_total',
      help: 'Items dropped, by role and reason: never silent',
      labelNames: ['role', 'reason'],
    });
    this.deadLettered = this.counter({
      name: 'gatehound_dead_letters_total',
      help: 'Inputs sent to the dead-letter topic, by role and error code',
      labelNames: ['role', 'code'],
    });
    this.errors = this.counter({
      name: 'gatehound_errors_total',
      help: 'Errors, by role and error code',
      labelNames: ['role', 'code'],
    });
    this.up = this.gauge({
      name: 'gatehound_role_up',
      help: '1 while a role is running',
      labelNames: ['role'],
    });
  }

  /**
   * A stage's own metric on the shared registry; the same one again when a role restarts in the
   * same process (prom-client refuses to register a name twice).
   */
  counter<L extends string>(c: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return (
      (this.registry.getSingleMetric(c.name) as Counter<L>) ??
      new Counter({ ...c, registers: [this.registry] })
    );
  }

  gauge<L extends string>(c: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return (
      (this.registry.getSingleMetric(c.name) as Gauge<L>) ?? new Gauge({ ...c, registers: [this.registry] })
    );
  }

  histogram<L extends string>(c: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return (
      (this.registry.getSingleMetric(c.name) as Histogram<L>) ??
      new Histogram({ ...c, registers: [this.registry] })
    );
  }

  error(role: Role, code: ErrorCode | 'INTERNAL'): void {
    this.errors.inc({ role, code });
  }
}

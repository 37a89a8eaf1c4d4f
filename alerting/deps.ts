import type { Clock } from '../infra/clock.js';
import type { DeadLetterWriter } from '../infra/dead-letter.js';
import type { Logger } from '../infra/logger.js';
import type { Store } from '../infra/store/index.js';
import type { DeliveryOptions } from './delivery/dispatcher.js';
import type { IncidentBook } from './incident-store.js';
import type { ResponderMetrics } from './metrics.js';

/** What a dispatcher and its outcome recorder need: delivery settings and where outcomes are written. */
export interface OutcomeDeps {
  delivery: DeliveryOptions;
  clock: Clock;
  store: Store;
  book: IncidentBook;
  dlq: DeadLetterWriter;
  metrics: ResponderMetrics;
  log: Logger;
  /** Back-off sleeps (tests pass a fast one). */
  wait?: (ms: number) => Promise<unknown>;
}

import { KafkaBus } from '../../infra/bus/index.js';
import type { ManualClock } from '../../infra/clock.js';
import { createLogger } from '../../infra/logger.js';
import { OpenSearchStore } from '../../infra/store/index.js';
import { Config, type ConfigInput } from '../../schemas/config.js';
import { stackConfig } from '../../test/helpers/stack-config.js';
import { testRuntime } from './harness.js';

/** A runtime on the real stack with topics and indices of its own, and what to call to clean up after it. */
export function stackRuntime(
  prefix: string,
  brokers: string,
  opensearchUrl: string,
  alerting: ConfigInput['alerting'],
  clock?: ManualClock,
) {
  const input = stackConfig(prefix, brokers, opensearchUrl, { alerting });
  const config = Config.parse(input);
  const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'error' });
  const bus = new KafkaBus(config.kafka, log);
  const store = new OpenSearchStore(config.opensearch, log);
  const runtime = testRuntime(input, { bus, store, ...(clock ? { clock } : {}) });
  return {
    runtime,
    store,
    async close() {
      await bus.close();
      await store.dropAll();
      await store.close();
    },
  };
}

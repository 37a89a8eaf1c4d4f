import { hostname } from 'node:os';
import type { Config } from '../schemas/config.js';
import { type Bus, createBus } from './bus/index.js';
import { type Clock, systemClock } from './clock.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { createStore, type Store } from './store/index.js';

/** What every role is started with: built once by the CLI, so roles never read the environment themselves. */
export interface Runtime {
  config: Config;
  log: Logger;
  bus: Bus;
  store: Store;
  clock: Clock;
  metrics: Metrics;
  /** This process's name in events and consumer groups. */
  instanceId: string;
}

/** A started role; `stop` drains in-flight work and releases its resources. */
export interface RunningRole {
  name: string;
  stop(): Promise<void>;
}

export function createRuntime(config: Config, overrides: Partial<Runtime> = {}): Runtime {
  const log = overrides.log ?? createLogger({ level: config.logLevel });
  return {
    config,
    log,
    bus: overrides.bus ?? createBus(config.kafka, log),
    store: overrides.store ?? createStore(config.opensearch, log),
    clock: overrides.clock ?? systemClock,
    metrics: overrides.metrics ?? new Metrics({ defaultMetrics: true }),
    instanceId: overrides.instanceId ?? config.gateway.id ?? hostname(),
  };
}

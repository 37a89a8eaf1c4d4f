import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Bus } from '../infra/bus/bus.js';
import type { Clock } from '../infra/clock.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import type { RevocationSet } from '../infra/revocations.js';
import type { Store } from '../infra/store/store.js';
import type { ApiRole, Config } from '../schemas/config.js';

/** Everything the app is built from; nothing is read from the environment. */
export interface ApiDeps {
  config: Config;
  store: Store;
  bus: Bus;
  /** The revocations in force, kept current by a follower of the compacted topic (see server.ts). */
  revocations: RevocationSet;
  metrics: Metrics;
  clock: Clock;
  log: Logger;
  /** Readiness checks by name; default: the bus and the store answer. */
  readyChecks?: Record<string, () => Promise<boolean>>;
}

/** An onRequest hook that admits a bearer token of at least `role`. */
export type Guard = (role: ApiRole) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface RouteDeps extends ApiDeps {
  guard: Guard;
}

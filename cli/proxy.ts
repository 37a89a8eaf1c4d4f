import { startProxy } from '../ingest/index.js';
import { runRoles } from './role-runner.js';

/**
 * `gatehound proxy [--file config.yaml]`: the gateway proxy in front of GATEHOUND_UPSTREAM_URL, until
 * SIGINT/SIGTERM. Kafka need not be up: topics are created when it answers, events wait in the spool.
 */
export async function run(argv: string[]): Promise<number> {
  return runRoles(argv, 'gatehound proxy [--file config.yaml]', async (rt) => {
    void rt.bus
      .ensureTopics()
      .catch((err: unknown) => rt.log.warn({ err: (err as Error).message }, 'cannot create topics yet'));
    return [await startProxy(rt)];
  });
}

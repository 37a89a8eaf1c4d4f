import { startResponder } from '../alerting/index.js';
import { runRoles } from './role-runner.js';

/** `gatehound respond [--file config.yaml]`: runs the responder until SIGINT/SIGTERM. */
export async function run(argv: string[]): Promise<number> {
  return runRoles(
    argv,
    'gatehound respond [--file config.yaml]',
    async (rt) => [await startResponder(rt)],
    (rt) => ({
      port: rt.config.alerting.adminPort,
      ready: async () => ({ bus: await rt.bus.ping(), store: await rt.store.ping() }),
    }),
  );
}

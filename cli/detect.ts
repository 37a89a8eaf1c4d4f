import { detectorRegistry } from '../detectors/registry.js';
import { signatureScanner } from '../detectors/signature-scanner.js';
import { startDetector } from '../detectors/worker.js';
import { runRoles } from './role-runner.js';

/** `gatehound detect [--file config.yaml]`: a detector worker in the consumer groups, until SIGINT/SIGTERM. */
export async function run(argv: string[]): Promise<number> {
  return runRoles(
    argv,
    'gatehound detect [--file config.yaml]',
    async (rt) => {
      const specs = detectorRegistry(signatureScanner(rt.config.detectors.injection));
      return [await startDetector(rt, { specs })];
    },
    (rt) => ({ port: rt.config.detectors.adminPort, ready: async () => ({ bus: await rt.bus.ping() }) }),
  );
}

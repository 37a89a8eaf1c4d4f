import { startApi } from '../api/index.js';
import { runRoles } from './role-runner.js';

/** `gatehound api [--file config.yaml]`: serves the API until SIGINT/SIGTERM. */
export async function run(argv: string[]): Promise<number> {
  return runRoles(argv, 'gatehound api [--file config.yaml]', async (rt) => {
    if (rt.config.api.tokens.length === 0) {
      rt.log.warn('no API tokens configured (GATEHOUND_API_TOKENS): every /v1 call will be refused');
    }
    await rt.bus.ensureTopics();
    await rt.store.ensureIndices();
    return [await startApi(rt)];
  });
}

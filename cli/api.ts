import { parseArgs } from 'node:util';
import { startApi } from '../api/index.js';
import { loadConfig } from '../infra/config.js';
import { GatehoundError } from '../infra/errors.js';
import { createRuntime } from '../infra/runtime.js';

/** `gatehound api [--file config.yaml]`: serves the API until SIGINT/SIGTERM. */
export async function run(argv: string[]): Promise<number> {
  let file: string | undefined;
  try {
    file = parseArgs({ args: argv, options: { file: { type: 'string' } } }).values.file;
  } catch (err) {
    throw new GatehoundError('USAGE', `${(err as Error).message}\nusage: gatehound api [--file config.yaml]`);
  }
  const runtime = createRuntime(loadConfig({ file: file ?? null }));
  if (runtime.config.api.tokens.length === 0)
    runtime.log.warn('no API tokens configured (GATEHOUND_API_TOKENS): every /v1 call will be refused');
  await runtime.bus.ensureTopics();
  await runtime.store.ensureIndices();
  const role = await startApi(runtime);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await role.stop();
  await Promise.allSettled([runtime.bus.close(), runtime.store.close()]);
  return 0;
}

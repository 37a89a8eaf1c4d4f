import { parseArgs } from 'node:util';
import { startResponder } from '../alerting/index.js';
import { loadConfig } from '../infra/config.js';
import { GatehoundError } from '../infra/errors.js';
import { createRuntime } from '../infra/runtime.js';

/** `gatehound respond [--file config.yaml]`: runs the responder until SIGINT/SIGTERM. */
export async function run(argv: string[]): Promise<number> {
  let file: string | undefined;
  try {
    file = parseArgs({ args: argv, options: { file: { type: 'string' } } }).values.file;
  } catch (err) {
    throw new GatehoundError(
      'USAGE',
      `${(err as Error).message}\nusage: gatehound respond [--file config.yaml]`,
    );
  }
  const runtime = createRuntime(loadConfig({ file: file ?? null }));
  const role = await startResponder(runtime);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await role.stop();
  await Promise.allSettled([runtime.bus.close(), runtime.store.close()]);
  return 0;
}

import { parseArgs } from 'node:util';
import { loadConfig } from '../infra/config.js';
import { GatehoundError } from '../infra/errors.js';
import { createRuntime, type RunningRole, type Runtime } from '../infra/runtime.js';

/**
 * What every long-running command does: parse `--file`, load the configuration once, build the
 * runtime, start the roles, and on SIGINT/SIGTERM stop them in reverse order and close the clients.
 */
export async function runRoles(
  argv: string[],
  usage: string,
  start: (rt: Runtime) => Promise<RunningRole[]>,
): Promise<number> {
  let file: string | undefined;
  try {
    file = parseArgs({ args: argv, options: { file: { type: 'string' } } }).values.file;
  } catch (err) {
    throw new GatehoundError('USAGE', `${(err as Error).message}\nusage: ${usage}`);
  }
  const rt = createRuntime(loadConfig({ file: file ?? null }));
  const roles = await start(rt);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  rt.log.info({ roles: roles.map((r) => r.name) }, 'stopping');
  for (const role of [...roles].reverse()) await role.stop();
  await Promise.allSettled([rt.bus.close(), rt.store.close()]);
  return 0;
}

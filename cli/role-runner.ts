import { parseArgs } from 'node:util';
import { type AdminServerOptions, startAdminServer } from '../infra/admin-server.js';
import { loadConfig } from '../infra/config.js';
import { GatehoundError } from '../infra/errors.js';
import { createRuntime, type RunningRole, type Runtime } from '../infra/runtime.js';

/**
 * What every long-running command does: parse `--file`, load the configuration once, build the
 * runtime, serve the admin endpoints when configured, start the roles, and on SIGINT/SIGTERM stop
 * them in reverse order and close the clients.
 */
export async function runRoles(
  argv: string[],
  usage: string,
  start: (rt: Runtime) => Promise<RunningRole[]>,
  admin?: (rt: Runtime) => { port: number | null; ready: AdminServerOptions['ready'] },
): Promise<number> {
  let file: string | undefined;
  try {
    file = parseArgs({ args: argv, options: { file: { type: 'string' } } }).values.file;
  } catch (err) {
    throw new GatehoundError('USAGE', `${(err as Error).message}\nusage: ${usage}`);
  }
  const rt = createRuntime(loadConfig({ file: file ?? null }));
  // The admin port first, so a port in use stops start-up before the roles join their groups.
  const wanted = admin?.(rt);
  const server =
    wanted?.port == null
      ? null
      : await startAdminServer(rt.metrics, { port: wanted.port, host: '0.0.0.0', ready: wanted.ready });
  if (server) rt.log.info({ adminPort: server.port }, 'admin endpoints listening');
  const roles = [...(server ? [{ name: 'admin', stop: server.close }] : []), ...(await start(rt))];
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  rt.log.info({ roles: roles.map((r) => r.name) }, 'stopping');
  for (const role of [...roles].reverse()) await role.stop();
  await Promise.allSettled([rt.bus.close(), rt.store.close()]);
  return 0;
}

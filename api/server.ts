import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ConsumerLag, registerConsumerLag } from '../infra/bus/lag.js';
import { GatehoundError } from '../infra/errors.js';
import { followRevocations } from '../infra/revocation-follower.js';
import type { RunningRole, Runtime } from '../infra/runtime.js';
import { buildApp } from './app.js';

/**
 * Starts the API role: follows the revocations topic (key status is answered from it), builds the app
 * and listens, over TLS when a certificate is configured. Ready once the follower has caught up.
 */
export async function startApi(runtime: Runtime): Promise<RunningRole & { port: number }> {
  const { config, bus, store, clock, log, metrics } = runtime;
  const api = config.api;
  const tls = api.tlsCertFile && api.tlsKeyFile ? readTls(api.tlsCertFile, api.tlsKeyFile) : undefined;
  const follower = await followRevocations(bus, config.kafka.topics.revocations, clock, log);
  let caughtUp = false;
  void follower.ready.then(() => {
    caughtUp = true;
  });
  const app = await buildApp(
    {
      config,
      store,
      bus,
      revocations: follower.set,
      metrics,
      clock,
      log,
      readyChecks: {
        bus: () => bus.ping(),
        store: () => store.ping(),
        revocations: async () => caughtUp,
      },
    },
    tls ? { tls } : {},
  );
  // The API's /metrics is the one place to see every group's lag; only Kafka has consumer groups.
  const lag = bus.kind === 'kafka' ? new ConsumerLag(config.kafka, log) : null;
  if (lag) registerConsumerLag(metrics.registry, lag, log);
  await app.listen({ host: api.host, port: api.port });
  const { port } = app.server.address() as AddressInfo;
  metrics.up.set({ role: 'api' }, 1);
  log.info(
    { host: api.host, port, tls: Boolean(tls), tokens: api.tokens.map((t) => t.name) },
    'api listening',
  );
  return {
    name: 'api',
    port,
    async stop() {
      metrics.up.set({ role: 'api' }, 0);
      await app.close();
      await follower.stop();
      await lag?.close();
    },
  };
}

function readTls(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } {
  try {
    return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  } catch (err) {
    throw new GatehoundError(
      'CONFIG_INVALID',
      `cannot read the API TLS certificate or key (${(err as NodeJS.ErrnoException).code})`,
      { cause: err },
    );
  }
}

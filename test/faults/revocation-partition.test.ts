import { afterAll, describe, expect, it } from 'vitest';
import { startUpstreamStub } from '../../demo/index.js';
import { KafkaBus } from '../../infra/bus/index.js';
import { createLogger } from '../../infra/logger.js';
import { reinstatementMessage, revocationMessage } from '../../infra/revocations.js';
import { keyId } from '../../ingest/key-id.js';
import { Config } from '../../schemas/config.js';
import { faultStack } from '../helpers/fault-stack.js';
import { request } from '../helpers/ingest.js';
import { Roles } from '../helpers/roles.js';
import { stackConfig } from '../helpers/stack-config.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

const SECRET = 'fault-test-key-id-secret';
const OUTAGE_MS = 30_000;

/**
 * A proxy that loses Kafka keeps enforcing the revocations it has (expiries included, by its own
 * clock), serves everyone else, and picks up what is written to the topic once Kafka is back.
 */
describe('revocation under partition', () => {
  let roles: Roles | undefined;
  afterAll(async () => {
    await roles?.stopAll();
  });

  it('keeps enforcing while Kafka is gone and catches up on reconnection', async () => {
    const stack = await faultStack();
    const prefix = uniqueName('revpart');
    const input = stackConfig(prefix, stack.kafkaBrokers, null);
    const config = Config.parse(input);
    const upstream = await startUpstreamStub();
    const proxyPort = 20_000 + Math.floor(Math.random() * 9000);
    roles = new Roles(
      { ...input, gateway: { proxyPort, proxyHost: '127.0.0.1', spoolDir: 'off' } },
      {
        GATEHOUND_KAFKA_BROKERS: stack.kafkaBrokers,
        GATEHOUND_UPSTREAM_URL: upstream.url,
        GATEHOUND_KEY_ID_SECRET: SECRET,
      },
    );
    const bus = new KafkaBus(config.kafka, createLogger({ level: 'silent' }));
    await bus.ensureTopics();
    const revoke = (raw: string, expiresAt: string | null) =>
      revocationMessage({
        schema: 'gatehound.revocation.v1',
        subject: { kind: 'key', id: keyId(SECRET, raw) },
        reason: 'fault test',
        incidentId: null,
        actor: 'policy:fault-test',
        createdAt: new Date().toISOString(),
        expiresAt,
      });
    const [revoked, expiring, innocent, later] = ['revoked', 'expiring', 'innocent', 'later'].map(
      (name) => `sk-${prefix}-${name}-0123456789`,
    ) as [string, string, string, string];
    const expiresAt = Date.now() + 30_000 + OUTAGE_MS / 2;
    await bus.send(config.kafka.topics.revocations, [
      revoke(revoked, null),
      revoke(expiring, new Date(expiresAt).toISOString()),
    ]);
    roles.start('proxy');
    const status = (raw: string) =>
      request(`http://127.0.0.1:${proxyPort}/v1/models`, {
        headers: { authorization: `Bearer ${raw}` },
      }).then(
        (r) => r.status,
        () => 0,
      );
    await waitFor(
      'the proxy to enforce the revocations',
      async () => (await status(revoked)) === 401,
      60_000,
    );
    expect(await status(expiring)).toBe(401);
    expect(await status(innocent)).toBe(200);
    // The expiry falls in the outage: wait until it is half the outage away.
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - OUTAGE_MS / 2 - Date.now())));

    await stack.kill('kafka', 'SIGKILL');
    const counts = { revokedServed: 0, innocentRefused: 0, expiringBefore: 0, expiringAfter: 0, checks: 0 };
    const outageEnd = Date.now() + OUTAGE_MS;
    while (Date.now() < outageEnd) {
      const [a, b, c] = await Promise.all([status(revoked), status(innocent), status(expiring)]);
      counts.checks++;
      if (a !== 401) counts.revokedServed++;
      if (b !== 200) counts.innocentRefused++;
      // 1 s either side of the expiry is left out: the two clocks are not the same instant.
      if (Date.now() < expiresAt - 1000 && c !== 401) counts.expiringBefore++;
      if (Date.now() > expiresAt + 1000 && c !== 200) counts.expiringAfter++;
      await new Promise((r) => setTimeout(r, 200));
    }
    await stack.restart('kafka');

    const back = Date.now();
    await bus.send(config.kafka.topics.revocations, [
      revoke(later, null),
      reinstatementMessage({ kind: 'key', id: keyId(SECRET, revoked) }),
    ]);
    await waitFor(
      'the proxy to catch up with the revocations written after the outage',
      async () => (await status(later)) === 401 && (await status(revoked)) === 200,
      90_000,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${roles!.tails()}`);
    });
    const caughtUpSeconds = (Date.now() - back) / 1000;
    console.log(
      `revocation under partition: ${JSON.stringify(counts)}; outage ${OUTAGE_MS / 1000} s; caught up ${caughtUpSeconds.toFixed(1)} s after Kafka returned`,
    );
    await bus.close();
    await upstream.close();

    expect(counts.checks).toBeGreaterThan(20);
    expect(counts.revokedServed).toBe(0);
    expect(counts.innocentRefused).toBe(0);
    expect(counts.expiringBefore).toBe(0);
    expect(counts.expiringAfter).toBe(0);
  }, 300_000);
});

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sha256Hex } from '../../api/auth.js';
import { buildApp } from '../../api/index.js';
import { startApi } from '../../api/server.js';
import { KafkaBus } from '../../infra/bus/index.js';
import { systemClock } from '../../infra/clock.js';
import { createLogger } from '../../infra/logger.js';
import { Metrics } from '../../infra/metrics.js';
import { followRevocations, type RevocationFollower } from '../../infra/revocation-follower.js';
import { createRuntime, type RunningRole, type Runtime } from '../../infra/runtime.js';
import type { OpenSearchStore } from '../../infra/store/index.js';
import type { Action } from '../../schemas/action.js';
import { Config } from '../../schemas/config.js';
import { bearer, freePort, TOKENS } from '../helpers/api.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

const KEY = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const log = createLogger({ level: 'error' });

describe('revocations and key status through real Kafka and OpenSearch', () => {
  const prefix = uniqueName('api-rev').toLowerCase();
  const settings = {
    kafka: {
      brokers: inject('kafkaBrokers').split(','),
      topics: { revocations: `${prefix}.revocations.v1` },
    },
    opensearch: { url: inject('opensearchUrl'), indexPrefix: prefix, replicas: 0 },
    api: {
      tokens: [
        { name: 'oncall', role: 'responder', sha256: sha256Hex(TOKENS.responder) },
        { name: 'gateway-7', role: 'viewer', sha256: sha256Hex(TOKENS.viewer) },
      ],
    },
  };
  let config: Config;
  let runtime: Runtime;
  let store: OpenSearchStore;
  let api: RunningRole & { port: number };
  let base: string;
  // A second API instance that learns revocations only from the topic, as every other replica does.
  let replicaFollower: RevocationFollower;
  let replica: FastifyInstance;

  beforeAll(async () => {
    config = Config.parse({ ...settings, api: { ...settings.api, port: await freePort() } });
    runtime = createRuntime(config, { log, metrics: new Metrics() });
    store = runtime.store as OpenSearchStore;
    await (runtime.bus as KafkaBus).createTopic(config.kafka.topics.revocations, 1, true);
    await store.ensureIndices();
    api = await startApi(runtime);
    base = `http://127.0.0.1:${api.port}`;
    const replicaBus = new KafkaBus(config.kafka, log);
    replicaFollower = await followRevocations(replicaBus, config.kafka.topics.revocations, systemClock, log);
    replica = await buildApp({
      config,
      store,
      bus: replicaBus,
      revocations: replicaFollower.set,
      metrics: new Metrics(),
      clock: systemClock,
      log,
    });
    await replicaFollower.ready;
  }, 120_000);

  afterAll(async () => {
    await replica?.close();
    await replicaFollower?.stop();
    await api?.stop();
    await store?.dropAll();
    await Promise.allSettled([runtime?.bus.close(), store?.close()]);
  });

  const keyStatus = async () =>
    (await replica.inject({ url: `/v1/keys/${KEY}`, headers: bearer('viewer') })).json() as {
      revoked: boolean;
    };

  it('is ready once Kafka, OpenSearch and the follower are', async () => {
    await waitFor('api ready', async () => (await fetch(`${base}/readyz`)).status === 200);
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({
      status: 'ready',
      checks: { bus: 'up', store: 'up', revocations: 'up' },
    });
  });

  it('revokes a key: POST → every replica reports it revoked → DELETE → reinstated', async () => {
    expect((await keyStatus()).revoked).toBe(false);
    const created = await fetch(`${base}/v1/revocations`, {
      method: 'POST',
      headers: { ...bearer('responder'), 'content-type': 'application/json' },
      body: JSON.stringify({ keyId: KEY, reason: 'sustained injection attempts', ttl: '2h' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ subject: { kind: 'key', id: KEY }, actor: 'api:oncall' });
    await waitFor('the replica applies the revocation', async () => (await keyStatus()).revoked);
    expect(await keyStatus()).toMatchObject({
      revoked: true,
      revocation: { reason: 'sustained injection attempts' },
    });

    const deleted = await fetch(`${base}/v1/revocations/${KEY}`, {
      method: 'DELETE',
      headers: bearer('responder'),
    });
    expect(deleted.status).toBe(204);
    await waitFor('the replica applies the tombstone', async () => !(await keyStatus()).revoked);
    expect(await keyStatus()).toEqual({ keyId: KEY, revoked: false, revocation: null });
  });

  it('records who did what, when and from where in the actions index', async () => {
    const audit = async () =>
      (
        await store.search<Action>('actions', {
          filters: { actor: 'api:oncall' },
          sort: [{ field: 'at', order: 'asc' }],
          limit: 10,
        })
      ).items;
    await waitFor('audit records', async () => {
      await store.refresh();
      return (await audit()).length >= 2;
    });
    const [revoke, reinstate] = await audit();
    expect(revoke).toMatchObject({
      type: 'revoke',
      status: 'succeeded',
      subject: { kind: 'key', id: KEY },
      detail: { method: 'POST', route: '/v1/revocations', statusCode: 201, clientIp: '127.0.0.1' },
    });
    expect(reinstate).toMatchObject({
      type: 'reinstate',
      status: 'succeeded',
      subject: { kind: 'key', id: KEY },
    });
    expect(JSON.stringify([revoke, reinstate])).not.toContain(TOKENS.responder);
  });

  it('refuses a viewer token on the real server, and audits the attempt', async () => {
    const res = await fetch(`${base}/v1/revocations/${KEY}`, { method: 'DELETE', headers: bearer('viewer') });
    expect(res.status).toBe(403);
    await waitFor('denied attempt audited', async () => {
      await store.refresh();
      const { items } = await store.search<Action>('actions', {
        filters: { actor: 'api:gateway-7' },
        limit: 5,
      });
      return items.some((a) => a.type === 'audit' && a.status === 'failed' && a.detail.statusCode === 403);
    });
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startResponder } from '../../alerting/index.js';
import { DemoClient, startReceiver, startUpstreamStub } from '../../demo/index.js';
import { detectorRegistry, signatureScanner, startDetector } from '../../detectors/index.js';
import { KafkaBus } from '../../infra/bus/index.js';
import { createLogger } from '../../infra/logger.js';
import { createRuntime, type RunningRole } from '../../infra/runtime.js';
import { OpenSearchStore } from '../../infra/store/index.js';
import { keyId, startProxy } from '../../ingest/index.js';
import { Config } from '../../schemas/config.js';
import { freePort } from '../helpers/api.js';
import { stackConfig } from '../helpers/stack-config.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

/**
 * Issue 6's end-to-end story across every stage on the real stack: credential stuffing from one
 * address, then a stolen key works from it → a critical incident → one Slack message and one webhook
 * whose signature verifies → the key is revoked → the proxy refuses it → the revocation expires on
 * time and the key works again.
 */
describe('end to end: a compromised key is revoked, refused, and restored at expiry', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('runs the whole loop through the real proxy, Kafka and OpenSearch', async () => {
    const stolen = `sk-live-${randomBytes(12).toString('hex')}`;
    const stub = await startUpstreamStub({ keys: new Set([stolen]) });
    const slack = await startReceiver(200);
    const hook = await startReceiver(200);
    cleanups.push(stub.close, slack.close, hook.close);
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const dir = mkdtempSync(join(tmpdir(), 'gatehound-e2e-'));
    const policyFile = join(dir, 'policy.yaml');
    // The built-in rules, with a revocation short enough to watch it expire.
    writeFileSync(
      policyFile,
      [
        'rules:',
        '  - { name: notify, match: { minSeverity: medium }, actions: [{ notify: null }] }',
        '  - { name: revoke-compromised, match: { subjectKind: key, severity: [critical] }, actions: [{ revoke: { duration: 4s } }] }',
        '',
      ].join('\n'),
    );
    const proxyPort = await freePort();
    const prefix = uniqueName('e2e');
    const config = Config.parse(
      stackConfig(prefix, inject('kafkaBrokers'), inject('opensearchUrl'), {
        keyIdSecret: randomBytes(24).toString('hex'),
        gateway: {
          upstreamUrl: stub.url,
          proxyPort,
          proxyHost: '127.0.0.1',
          adminPort: null,
          spoolDir: null,
        },
        alerting: { policyFile, slackWebhookUrl: slack.url, webhookUrl: hook.url, webhookSecret: secret },
      }),
    );
    const log = createLogger({ level: 'error' });
    const store = new OpenSearchStore(config.opensearch, log);
    const rt = createRuntime(config, { bus: new KafkaBus(config.kafka, log), store, log });
    await rt.bus.ensureTopics();
    await rt.store.ensureIndices();
    const roles: RunningRole[] = [
      await startDetector(rt, { specs: detectorRegistry(signatureScanner(config.detectors.injection)) }),
      await startResponder(rt),
      await startProxy(rt),
    ];
    cleanups.push(async () => {
      for (const r of roles.reverse()) await r.stop();
      await rt.bus.close();
      await store.dropAll();
      await store.close();
    });

    const proxyUrl = `http://127.0.0.1:${proxyPort}`;
    const attacker = (key: string) => new DemoClient(proxyUrl, '127.0.0.66', key);
    for (let i = 0; i < 8; i++) {
      const r = await attacker(`sk-live-${randomBytes(12).toString('hex')}`).chat('hello');
      expect(r.status).toBe(401);
    }
    expect((await attacker(stolen).chat('list my files')).status).toBe(200);

    // The owner, from their own address, is refused by the proxy itself once the revocation lands.
    const owner = new DemoClient(proxyUrl, '127.0.0.21', stolen);
    let refusedAt = 0;
    await waitFor(
      'the stolen key to be refused',
      async () => {
        const r = await owner.chat('am I still in?');
        if (r.status === 401 && JSON.parse(r.body).error.type === 'key_revoked') refusedAt = Date.now();
        return refusedAt > 0;
      },
      30_000,
    );
    const upstreamCalls = stub.requests.get('/v1/chat/completions') ?? 0;
    expect((await owner.chat('still?')).status).toBe(401);
    expect(stub.requests.get('/v1/chat/completions')).toBe(upstreamCalls);

    // One Slack message and one verified webhook for the critical incident about the key.
    const id = keyId(config.keyIdSecret!, stolen);
    await waitFor(
      'the notifications',
      () =>
        hook.received.some((d) => d.body.includes(id)) &&
        slack.received.some((d) => d.body.includes(id.slice(0, 12))),
      20_000,
    );
    const hooks = hook.received.filter((d) => d.body.includes(id));
    expect(hooks).toHaveLength(1);
    const payload = new Webhook(secret).verify(
      hooks[0]!.body,
      hooks[0]!.headers as Record<string, string>,
    ) as {
      incident: { type: string; severity: string; subject: { kind: string; id: string } };
    };
    expect(payload.incident).toMatchObject({
      type: 'auth_failure_burst',
      severity: 'critical',
      subject: { kind: 'key', id },
    });
    expect(slack.received.filter((d) => d.body.includes(id.slice(0, 12)))).toHaveLength(1);
    expect(JSON.stringify(slack.received)).not.toContain(stolen);
    expect(JSON.stringify(hook.received)).not.toContain(stolen);

    // The revocation expires on time, without waiting for a tombstone: the key works again.
    await waitFor('the revocation to expire', async () => (await owner.chat('back?')).status === 200, 15_000);
    expect(Date.now() - refusedAt).toBeLessThan(10_000);
  }, 120_000);
});

import { ConfigResourceTypes, Kafka } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { KafkaBus } from '../../infra/bus/index.js';
import { isGatehoundError } from '../../infra/errors.js';
import { createLogger } from '../../infra/logger.js';
import { OpenSearchStore } from '../../infra/store/index.js';
import { Config } from '../../schemas/config.js';
import { uniqueName } from '../helpers/wait.js';

const log = createLogger({ level: 'error' });

describe('provisioning on the real stack', () => {
  const prefix = uniqueName('prov');
  const config = Config.parse({
    kafka: {
      brokers: inject('kafkaBrokers').split(','),
      partitions: 4,
      topics: {
        requests: `${prefix}.requests.v1`,
        requestsByIp: `${prefix}.requests-by-ip.v1`,
        findings: `${prefix}.findings.v1`,
        revocations: `${prefix}.revocations.v1`,
        state: `${prefix}.state.v1`,
        dlq: `${prefix}.dlq.v1`,
      },
    },
    opensearch: { url: inject('opensearchUrl'), indexPrefix: prefix.toLowerCase(), replicas: 0 },
  });
  const store = new OpenSearchStore(config.opensearch, log);
  afterAll(async () => {
    await store.dropAll();
    await store.close();
  });

  it('creates the design topics with their partitions, compaction for revocations and state', async () => {
    const bus = new KafkaBus(config.kafka, log);
    await bus.ensureTopics();
    await bus.close();
    const admin = new Kafka({ brokers: config.kafka.brokers!, logLevel: 0 }).admin();
    await admin.connect();
    try {
      const topics = Object.values(config.kafka.topics);
      const meta = await admin.fetchTopicMetadata({ topics });
      const partitions = Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]));
      expect(partitions).toEqual({
        [config.kafka.topics.requests]: 4,
        [config.kafka.topics.requestsByIp]: 4,
        [config.kafka.topics.findings]: 4,
        [config.kafka.topics.state]: 4,
        [config.kafka.topics.revocations]: 1,
        [config.kafka.topics.dlq]: 1,
      });
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['cleanup.policy'],
        })),
      });
      const policy = Object.fromEntries(
        described.resources.map((r) => [r.resourceName, r.configEntries[0]!.configValue]),
      );
      expect(policy[config.kafka.topics.revocations]).toBe('compact');
      expect(policy[config.kafka.topics.state]).toBe('compact');
      expect(policy[config.kafka.topics.requests]).toBe('delete');
    } finally {
      await admin.disconnect();
    }
  });

  it('installs index templates with explicit, strict mappings', async () => {
    await store.ensureIndices();
    const res = await store.client.indices.getIndexTemplate({ name: `${config.opensearch.indexPrefix}-*` });
    const names = res.body.index_templates.map((t: { name: string }) => t.name).sort();
    expect(names).toEqual(
      ['actions', 'events', 'findings', 'incidents'].map((k) => `${config.opensearch.indexPrefix}-${k}`),
    );
    const err = await store
      .put('incidents', [{ id: 'x', doc: { id: 'x', type: 'probing', unexpectedField: 1 } }])
      .catch((e: unknown) => e);
    expect(isGatehoundError(err, 'STORE_WRITE_FAILED')).toBe(true);
    expect((err as Error).message).toContain('strict_dynamic_mapping_exception');
  });
});

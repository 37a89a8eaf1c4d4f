import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';

describe('the provided stack', () => {
  it('Kafka answers a describeCluster with one broker and a controller', async () => {
    const kafka = new Kafka({
      clientId: 'gatehound-stack-test',
      brokers: inject('kafkaBrokers').split(','),
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
      expect(cluster.controller).not.toBeNull();
      expect(cluster.clusterId).toBeTruthy();
    } finally {
      await admin.disconnect();
    }
  });

  it('OpenSearch answers GET / with version 2.19.x', async () => {
    const res = await fetch(`${inject('opensearchUrl')}/`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: { number: string; distribution?: string } };
    expect(body.version.number).toMatch(/^2\.19\./);
    expect(body.version.distribution).toBe('opensearch');
  });
});

import { describe, expect, it } from 'vitest';
import { kafkaLog4jProperties, kafkaNeedles, kafkaServerProperties, newClusterId } from './kafka.js';
import { resolveStackPaths } from './paths.js';

function parseProps(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

describe('kafkaServerProperties', () => {
  const props = parseProps(
    kafkaServerProperties({ port: 19092, controllerPort: 19093, dataDir: '/s/kafka-data' }),
  );

  it('is a combined KRaft broker+controller on loopback', () => {
    expect(props).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': '1@127.0.0.1:19093',
      listeners: 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:19092',
      'controller.listener.names': 'CONTROLLER',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'log.dirs': '/s/kafka-data',
    });
  });

  it('uses replication factor 1 for internal topics, 6 partitions, no auto-created topics', () => {
    expect(props).toMatchObject({
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'num.partitions': '6',
      'group.initial.rebalance.delay.ms': '0',
      'auto.create.topics.enable': 'false',
    });
  });

  it('escapes backslashes for Java properties', () => {
    const text = kafkaServerProperties({ port: 1, controllerPort: 2, dataDir: 'C:\\data' });
    expect(parseProps(text)['log.dirs']).toBe('C:\\\\data');
  });
});

describe('kafkaLog4jProperties', () => {
  it('logs to the given file with bounded rolling', () => {
    const text = kafkaLog4jProperties('/s/logs/kafka.log');
    expect(text).toContain('log4j.appender.file.File=/s/logs/kafka.log');
    expect(text).toContain('log4j.appender.file.MaxFileSize=10MB');
    expect(text).toContain('log4j.rootLogger=WARN, file');
  });
});

describe('newClusterId', () => {
  it('is 22 chars of unpadded url-safe base64 encoding 16 bytes', () => {
    for (let i = 0; i < 50; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });

  it('never starts with "-" and is never all zeros', () => {
    const draws = [Buffer.alloc(16), Buffer.from([0xfb, ...Array(15).fill(1)]), Buffer.alloc(16, 7)];
    const id = newClusterId(() => draws.shift()!);
    expect(id).toBe(Buffer.alloc(16, 7).toString('base64url'));
  });
});

describe('kafkaNeedles', () => {
  it('names the main class and this state dir’s server.properties', () => {
    const p = resolveStackPaths({ stateDir: '/s' }, { env: {}, cwd: '/', home: '/h' });
    expect(kafkaNeedles(p)).toEqual(['kafka.Kafka', '/s/kafka/server.properties']);
  });
});

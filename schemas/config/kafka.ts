import { z } from 'zod';
import { type EnvTable, hostPort } from './env.js';

const Topics = z.strictObject({
  requests: z.string().min(1).default('gatehound.requests.v1'),
  /** Internal to the detect role: every event re-keyed by client address, so per-address state is whole. */
  requestsByIp: z.string().min(1).default('gatehound.requests-by-ip.v1'),
  findings: z.string().min(1).default('gatehound.findings.v1'),
  revocations: z.string().min(1).default('gatehound.revocations.v1'),
  state: z.string().min(1).default('gatehound.state.v1'),
  dlq: z.string().min(1).default('gatehound.dlq.v1'),
});

export const KafkaConfig = z.strictObject({
  brokers: z.array(hostPort).min(1).nullable().default(null).describe('null: the embedded in-process bus'),
  clientId: z
    .string()
    .min(1)
    .default('gatehound')
    .describe('Kafka client id, and the prefix of consumer group names'),
  client: z
    .enum(['kafkajs', 'platformatic', 'mixed'])
    .default('mixed')
    .describe(
      'Kafka client library: mixed (kafkajs consumes, @platformatic/kafka produces: each where it is ' +
        'faster), kafkajs, or @platformatic/kafka',
    ),
  ssl: z.boolean().default(false).describe('TLS to the brokers'),
  caFile: z.string().min(1).nullable().default(null).describe('CA bundle for broker TLS (implies TLS)'),
  sasl: z
    .strictObject({
      mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
      username: z.string().min(1),
      password: z.string().min(1),
    })
    .nullable()
    .default(null),
  partitions: z
    .number()
    .int()
    .min(1)
    .max(1024)
    .default(6)
    .describe('partitions of the topics gatehound creates (revocations and dead letters: 1)'),
  replicationFactor: z
    .number()
    .int()
    .min(1)
    .max(16)
    .default(1)
    .describe('replication factor of the topics gatehound creates'),
  compression: z
    .enum(['none', 'gzip', 'lz4'])
    .default('lz4')
    .describe('producer compression: lz4 costs far less CPU than gzip at every hop, gzip sends fewer bytes'),
  topics: Topics.prefault({}),
});

export const KAFKA_ENV: EnvTable = {
  GATEHOUND_KAFKA_BROKERS: { path: ['kafka', 'brokers'], type: 'list' },
  GATEHOUND_KAFKA_CLIENT_ID: { path: ['kafka', 'clientId'], type: 'string' },
  GATEHOUND_KAFKA_CLIENT: { path: ['kafka', 'client'], type: 'string' },
  GATEHOUND_KAFKA_SSL: { path: ['kafka', 'ssl'], type: 'bool' },
  GATEHOUND_KAFKA_CA_FILE: { path: ['kafka', 'caFile'], type: 'string' },
  GATEHOUND_KAFKA_SASL: { path: ['kafka', 'sasl'], type: 'json', secret: true },
  GATEHOUND_KAFKA_PARTITIONS: { path: ['kafka', 'partitions'], type: 'int' },
  GATEHOUND_KAFKA_REPLICATION_FACTOR: { path: ['kafka', 'replicationFactor'], type: 'int' },
  GATEHOUND_KAFKA_COMPRESSION: { path: ['kafka', 'compression'], type: 'string' },
};

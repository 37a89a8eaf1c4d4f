import { z } from 'zod';

const port = z.number().int().min(1).max(65_535);
const hostPort = z.string().regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'expected host:port');
const httpUrl = z.url({ protocol: /^https?$/ });

export const ApiRole = z.enum(['viewer', 'responder', 'admin']);
export type ApiRole = z.infer<typeof ApiRole>;

export const ApiToken = z.strictObject({
  name: z.string().min(1).max(64),
  role: ApiRole,
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'expected the hex SHA-256 of the token (64 lowercase hex characters)'),
});
export type ApiToken = z.infer<typeof ApiToken>;

const Topics = z.strictObject({
  requests: z.string().min(1).default('gatehound.requests.v1'),
  findings: z.string().min(1).default('gatehound.findings.v1'),
  revocations: z.string().min(1).default('gatehound.revocations.v1'),
  state: z.string().min(1).default('gatehound.state.v1'),
  dlq: z.string().min(1).default('gatehound.dlq.v1'),
});

const Kafka = z.strictObject({
  brokers: z.array(hostPort).min(1).nullable().default(null).describe('null: the embedded in-process bus'),
  clientId: z.string().min(1).default('gatehound'),
  client: z.enum(['kafkajs']).default('kafkajs'),
  ssl: z.boolean().default(false),
  caFile: z.string().min(1).nullable().default(null),
  sasl: z
    .strictObject({
      mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
      username: z.string().min(1),
      password: z.string().min(1),
    })
    .nullable()
    .default(null),
  partitions: z.number().int().min(1).max(1024).default(6),
  replicationFactor: z.number().int().min(1).max(16).default(1),
  compression: z.enum(['none', 'gzip']).default('gzip'),
  topics: Topics.prefault({}),
});

const OpenSearch = z.strictObject({
  url: httpUrl.nullable().default(null).describe('null: the embedded in-process store'),
  username: z.string().min(1).nullable().default(null),
  password: z.string().min(1).nullable().default(null),
  caFile: z.string().min(1).nullable().default(null),
  rejectUnauthorized: z.boolean().default(true),
  indexPrefix: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,40}$/, 'expected a lowercase index prefix')
    .default('gatehound'),
  shards: z.number().int().min(1).max(64).default(1),
  replicas: z.number().int().min(0).max(8).default(1),
});

const Gateway = z.strictObject({
  id: z.string().min(1).max(128).nullable().default(null).describe('null: the host name'),
  upstreamUrl: httpUrl.nullable().default(null),
  proxyPort: port.default(8080),
});

const Api = z.strictObject({
  port: port.default(8081),
  host: z.string().min(1).default('127.0.0.1'),
  tokens: z.array(ApiToken).default([]),
});

const Notify = z.strictObject({
  slackWebhookUrl: httpUrl.nullable().default(null),
  webhookUrl: httpUrl.nullable().default(null),
  webhookSecret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'expected whsec_<base64>')
    .nullable()
    .default(null),
  webhookFormat: z.enum(['gatehound', 'alertmanager']).default('gatehound'),
});

/** The whole configuration, parsed once at start-up. Every section is strict: unknown keys are errors. */
export const Config = z
  .strictObject({
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    keyIdSecret: z.string().min(16, 'expected at least 16 characters').nullable().default(null),
    policyFile: z.string().min(1).nullable().default(null),
    kafka: Kafka.prefault({}),
    opensearch: OpenSearch.prefault({}),
    gateway: Gateway.prefault({}),
    api: Api.prefault({}),
    notify: Notify.prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.notify.webhookUrl && !c.notify.webhookSecret) {
      ctx.addIssue({
        code: 'custom',
        path: ['notify', 'webhookSecret'],
        message: 'required when a webhook URL is set',
      });
    }
  })
  .describe('gatehound configuration');

export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;

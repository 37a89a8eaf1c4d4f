import { z } from 'zod';
import { adminPort, type EnvTable, httpUrl } from './env.js';

const WHSEC = /^whsec_[A-Za-z0-9+/=]{16,}$/;

/** A cron expression of node-cron (5 or 6 fields); checked loosely here, strictly by node-cron at start. */
const cron = z.string().regex(/^\S+( \S+){4,5}$/, 'expected a cron expression of 5 or 6 fields');

/** An upstream admin API to call when a key is revoked, in addition to the revocations topic. */
export const AdapterConfig = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('generic-http'),
    name: z.string().min(1).max(64).default('generic-http'),
    method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    /** `{{keyId}}`, `{{keyRef}}`, `{{ip}}`, `{{reason}}`, `{{incidentId}}`, `{{expiresAt}}` are substituted. */
    url: z.string().min(1),
    body: z.string().max(8192).nullable().default(null),
    headers: z.record(z.string(), z.string()).default({}),
  }),
  z.strictObject({
    kind: z.literal('litellm'),
    name: z.string().min(1).max(64).default('litellm'),
    url: httpUrl,
    token: z.string().min(1).describe('LiteLLM master key (secret)'),
  }),
  z.strictObject({
    kind: z.literal('kong'),
    name: z.string().min(1).max(64).default('kong'),
    url: httpUrl.describe('Kong Admin API base URL'),
    token: z.string().min(1).nullable().default(null),
  }),
]);
export type AdapterConfig = z.infer<typeof AdapterConfig>;

/** The responder: policy, notification channels, delivery, jobs and revocation adapters. */
export const AlertingConfig = z
  .strictObject({
    policyFile: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe('response policy (YAML); null: the built-in rules'),
    adminPort: adminPort('`gatehound respond`, on every interface'),
    slackWebhookUrl: httpUrl.nullable().default(null).describe('Slack incoming-webhook URL'),
    webhookUrl: httpUrl
      .nullable()
      .default(null)
      .describe('receiver of signed webhooks (Standard Webhooks); needs webhookSecret'),
    webhookSecret: z
      .string()
      .refine(
        (s) => s.split(/[ ,]+/).every((part) => WHSEC.test(part)),
        'expected whsec_<base64>, several separated by spaces during rotation',
      )
      .nullable()
      .default(null)
      .describe('signing secrets, newest first; every one signs each delivery'),
    webhookFormat: z
      .enum(['gatehound', 'alertmanager'])
      .default('gatehound')
      .describe("webhook payload: gatehound's JSON or Alertmanager's version 4"),
    throttleMs: z.number().int().min(1000).default(600_000).describe('at most one message per incident'),
    quietMs: z.number().int().min(1000).default(1_800_000).describe('an incident resolves after this'),
    apiUrl: httpUrl.nullable().default(null).describe('base URL of the API, for links in messages'),
    dashboardsUrl: httpUrl.nullable().default(null).describe('OpenSearch Dashboards, for links'),
    delivery: z
      .strictObject({
        timeoutMs: z.number().int().min(100).default(5000).describe('one delivery attempt, at most'),
        maxAttempts: z
          .number()
          .int()
          .min(1)
          .max(20)
          .default(5)
          .describe('attempts before a notification is dead-lettered'),
        retryBaseMs: z.number().int().min(1).default(500),
        retryMaxMs: z.number().int().min(1).default(30_000),
        concurrency: z.number().int().min(1).max(64).default(4),
        queueLimit: z.number().int().min(1).default(10_000),
        breakerFailures: z.number().int().min(1).default(5),
        breakerCooldownMs: z.number().int().min(100).default(30_000),
      })
      .prefault({}),
    jobs: z
      .strictObject({
        expireCron: cron.default('*/5 * * * * *'),
        resolveCron: cron.default('*/30 * * * * *'),
        retentionCron: cron.default('17 3 * * *'),
        digestCron: cron.nullable().default(null).describe('the daily digest; null: none'),
      })
      .prefault({}),
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(30)
      .describe('events, findings, incidents and actions older than this are deleted (daily job)'),
    adapters: z
      .array(AdapterConfig)
      .default([])
      .describe('revocation adapters as JSON: generic HTTP, LiteLLM, Kong'),
  })
  .superRefine((c, ctx) => {
    if (c.webhookUrl && !c.webhookSecret) {
      ctx.addIssue({
        code: 'custom',
        path: ['webhookSecret'],
        message: 'required when a webhook URL is set',
      });
    }
  });
export type AlertingConfig = z.infer<typeof AlertingConfig>;

export const ALERTING_ENV: EnvTable = {
  GATEHOUND_RESPOND_ADMIN_PORT: { path: ['alerting', 'adminPort'], type: 'int' },
  GATEHOUND_POLICY_FILE: { path: ['alerting', 'policyFile'], type: 'string' },
  GATEHOUND_SLACK_WEBHOOK_URL: { path: ['alerting', 'slackWebhookUrl'], type: 'string', secret: true },
  GATEHOUND_WEBHOOK_URL: { path: ['alerting', 'webhookUrl'], type: 'string' },
  GATEHOUND_WEBHOOK_SECRET: { path: ['alerting', 'webhookSecret'], type: 'string', secret: true },
  GATEHOUND_WEBHOOK_FORMAT: { path: ['alerting', 'webhookFormat'], type: 'string' },
  GATEHOUND_NOTIFY_THROTTLE_MS: { path: ['alerting', 'throttleMs'], type: 'int' },
  GATEHOUND_INCIDENT_QUIET_MS: { path: ['alerting', 'quietMs'], type: 'int' },
  GATEHOUND_PUBLIC_API_URL: { path: ['alerting', 'apiUrl'], type: 'string' },
  GATEHOUND_DASHBOARDS_URL: { path: ['alerting', 'dashboardsUrl'], type: 'string' },
  GATEHOUND_NOTIFY_TIMEOUT_MS: { path: ['alerting', 'delivery', 'timeoutMs'], type: 'int' },
  GATEHOUND_NOTIFY_MAX_ATTEMPTS: { path: ['alerting', 'delivery', 'maxAttempts'], type: 'int' },
  GATEHOUND_RETENTION_DAYS: { path: ['alerting', 'retentionDays'], type: 'int' },
  GATEHOUND_DAILY_DIGEST_CRON: { path: ['alerting', 'jobs', 'digestCron'], type: 'string' },
  GATEHOUND_REVOCATION_ADAPTERS: { path: ['alerting', 'adapters'], type: 'json', secret: true },
};

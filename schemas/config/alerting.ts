import { z } from 'zod';
import { type EnvTable, httpUrl } from './env.js';

/** The responder: policy, notification channels, revocation adapters. */
export const AlertingConfig = z
  .strictObject({
    policyFile: z.string().min(1).nullable().default(null),
    slackWebhookUrl: httpUrl.nullable().default(null),
    webhookUrl: httpUrl.nullable().default(null),
    webhookSecret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'expected whsec_<base64>')
      .nullable()
      .default(null),
    webhookFormat: z.enum(['gatehound', 'alertmanager']).default('gatehound'),
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

export const ALERTING_ENV: EnvTable = {
  GATEHOUND_POLICY_FILE: { path: ['alerting', 'policyFile'], type: 'string' },
  GATEHOUND_SLACK_WEBHOOK_URL: { path: ['alerting', 'slackWebhookUrl'], type: 'string', secret: true },
  GATEHOUND_WEBHOOK_URL: { path: ['alerting', 'webhookUrl'], type: 'string' },
  GATEHOUND_WEBHOOK_SECRET: { path: ['alerting', 'webhookSecret'], type: 'string', secret: true },
  GATEHOUND_WEBHOOK_FORMAT: { path: ['alerting', 'webhookFormat'], type: 'string' },
};

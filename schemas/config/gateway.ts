import { z } from 'zod';
import { MAX_PROMPT_TEXT } from '../request-event.js';
import { adminPort, type EnvTable, httpUrl, port } from './env.js';

const MiB = 1024 * 1024;

/** One rate-limit tier: null leaves that dimension unlimited. */
export const RateLimitTier = z.strictObject({
  requestsPerMinute: z.number().int().min(1).nullable().default(null),
  tokensPerMinute: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe('input + output tokens, charged when a response reports its usage'),
});
export type RateLimitTier = z.infer<typeof RateLimitTier>;

export const RateLimitConfig = z
  .strictObject({
    enabled: z.boolean().default(false),
    defaultTier: z.string().min(1).default('default'),
    tiers: z
      .record(z.string().min(1).max(64), RateLimitTier)
      .default({ default: { requestsPerMinute: 600, tokensPerMinute: 200_000 } }),
    keys: z
      .record(
        z.string().regex(/^[0-9a-f]{32}$/, 'expected a keyId (32 lowercase hex characters)'),
        z.string(),
      )
      .default({})
      .describe(
        'keyId -> tier name; keys not listed use defaultTier, requests without a key are limited per ip',
      ),
    maxSubjects: z
      .number()
      .int()
      .min(100)
      .default(100_000)
      .describe('buckets kept in memory; the least recently created are forgotten first'),
  })
  .refine((r) => r.tiers[r.defaultTier] !== undefined, {
    message: 'defaultTier must name one of the tiers',
    path: ['defaultTier'],
  })
  .refine((r) => Object.values(r.keys).every((t) => r.tiers[t] !== undefined), {
    message: 'every key must map to one of the tiers',
    path: ['keys'],
  });
export type RateLimitConfig = z.infer<typeof RateLimitConfig>;

/** The ingest side: proxy, Fastify plugin and log replay. */
export const GatewayConfig = z.strictObject({
  id: z.string().min(1).max(128).nullable().default(null).describe('null: the host name'),
  upstreamUrl: httpUrl
    .nullable()
    .default(null)
    .describe('the AI API the proxy forwards to; required by `gatehound proxy`'),
  proxyPort: port.default(8080).describe('proxy listen port'),
  proxyHost: z.string().min(1).default('0.0.0.0').describe('proxy listen address'),
  adminPort: adminPort('the proxy, on its listen address'),
  trustProxy: z
    .number()
    .int()
    .min(0)
    .max(16)
    .default(0)
    .describe('hops of X-Forwarded-For to trust: 0 uses the socket address'),
  promptCapture: z
    .enum(['redacted', 'none'])
    .default('redacted')
    .describe('redacted: the user content of AI requests, redacted, in prompt.text; none: prompt is null'),
  promptMaxChars: z
    .number()
    .int()
    .min(0)
    .max(MAX_PROMPT_TEXT)
    .default(4096)
    .describe('prompt text is cut to this length (the newest messages are kept)'),
  keyRefMode: z
    .enum(['none', 'sha256'])
    .default('none')
    .describe("sha256: add the key's SHA-256 hex as key.ref (what LiteLLM's /key/block takes)"),
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .default(25 * MiB)
    .describe('larger request bodies get 413'),
  upstreamTimeoutMs: z
    .number()
    .int()
    .min(100)
    .default(600_000)
    .describe('idle time on the upstream connection before 504'),
  bufferSize: z
    .number()
    .int()
    .min(1)
    .default(10_000)
    .describe('events held in memory while Kafka is slow; beyond it they go to the spool'),
  sendTimeoutMs: z
    .number()
    .int()
    .min(50)
    .default(5000)
    .describe('a send slower than this switches new events to the spool until Kafka answers'),
  spoolDir: z
    .string()
    .min(1)
    .nullable()
    .default('.gatehound/spool')
    .transform((dir) => (dir === 'off' ? null : dir))
    .describe('events wait here while Kafka is unreachable; "off" or null: no spool (losses are counted)'),
  spoolMaxBytes: z
    .number()
    .int()
    .min(MiB)
    .default(1024 * MiB)
    .describe('past this the spool refuses events and the loss is counted'),
  revocationWaitMs: z
    .number()
    .int()
    .min(0)
    .default(10_000)
    .describe('how long start-up waits to read the revocations topic before serving anyway'),
  rateLimit: RateLimitConfig.prefault({}).describe(
    'per-key token buckets, off by default: {"enabled", "defaultTier", "tiers": {name: {"requestsPerMinute", "tokensPerMinute"}}, "keys": {keyId: tier}}',
  ),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export const GATEWAY_ENV: EnvTable = {
  GATEHOUND_GATEWAY_ID: { path: ['gateway', 'id'], type: 'string' },
  GATEHOUND_UPSTREAM_URL: { path: ['gateway', 'upstreamUrl'], type: 'string' },
  GATEHOUND_PROXY_PORT: { path: ['gateway', 'proxyPort'], type: 'int' },
  GATEHOUND_PROXY_HOST: { path: ['gateway', 'proxyHost'], type: 'string' },
  GATEHOUND_PROXY_ADMIN_PORT: { path: ['gateway', 'adminPort'], type: 'int' },
  GATEHOUND_TRUST_PROXY: { path: ['gateway', 'trustProxy'], type: 'int' },
  GATEHOUND_PROMPT_CAPTURE: { path: ['gateway', 'promptCapture'], type: 'string' },
  GATEHOUND_PROMPT_MAX_CHARS: { path: ['gateway', 'promptMaxChars'], type: 'int' },
  GATEHOUND_KEY_REF_MODE: { path: ['gateway', 'keyRefMode'], type: 'string' },
  GATEHOUND_MAX_BODY_BYTES: { path: ['gateway', 'maxBodyBytes'], type: 'int' },
  GATEHOUND_UPSTREAM_TIMEOUT_MS: { path: ['gateway', 'upstreamTimeoutMs'], type: 'int' },
  GATEHOUND_EVENT_BUFFER_SIZE: { path: ['gateway', 'bufferSize'], type: 'int' },
  GATEHOUND_SEND_TIMEOUT_MS: { path: ['gateway', 'sendTimeoutMs'], type: 'int' },
  GATEHOUND_SPOOL_DIR: { path: ['gateway', 'spoolDir'], type: 'string' },
  GATEHOUND_SPOOL_MAX_BYTES: { path: ['gateway', 'spoolMaxBytes'], type: 'int' },
  GATEHOUND_REVOCATION_WAIT_MS: { path: ['gateway', 'revocationWaitMs'], type: 'int' },
  GATEHOUND_RATE_LIMITS: { path: ['gateway', 'rateLimit'], type: 'json' },
};

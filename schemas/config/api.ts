import { z } from 'zod';
import { type EnvTable, httpUrl, port } from './env.js';

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

export const ApiConfig = z
  .strictObject({
    port: port.default(8081).describe('port the API listens on'),
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('address the API listens on; loopback unless you put it behind TLS or a proxy'),
    tokens: z
      .array(ApiToken)
      .default([])
      .describe('bearer tokens as JSON [{name, role, sha256}]: only their SHA-256 is configured'),
    rateLimitPerMinute: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(1200)
      .describe('requests per minute one token may make, counted after authentication'),
    ipRateLimitPerMinute: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(600)
      .describe('requests per minute one client address may make, counted before authentication'),
    bodyLimitBytes: z
      .number()
      .int()
      .min(256)
      .max(10_485_760)
      .default(16_384)
      .describe('largest request body accepted; larger gets 413'),
    corsOrigins: z
      .array(httpUrl)
      .default([])
      .describe(
        'browser origins allowed by CORS; empty: no CORS headers, browsers refuse cross-origin calls',
      ),
    tlsCertFile: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe('PEM certificate; with tlsKeyFile the API serves HTTPS'),
    tlsKeyFile: z.string().min(1).nullable().default(null).describe('PEM private key for tlsCertFile'),
    trustProxy: z
      .array(z.string().min(1))
      .default([])
      .describe('proxy addresses or CIDRs whose X-Forwarded-For is believed; empty: the socket address'),
    publicUrl: httpUrl
      .nullable()
      .default(null)
      .describe('the URL clients use, shown as the server in the OpenAPI document'),
    docs: z.boolean().default(true).describe('serve the OpenAPI document and the browsable UI at /docs'),
  })
  .refine((c) => (c.tlsCertFile === null) === (c.tlsKeyFile === null), {
    message: 'set both tlsCertFile and tlsKeyFile, or neither',
    path: ['tlsKeyFile'],
  });

export const API_ENV: EnvTable = {
  GATEHOUND_API_PORT: { path: ['api', 'port'], type: 'int' },
  GATEHOUND_API_HOST: { path: ['api', 'host'], type: 'string' },
  GATEHOUND_API_TOKENS: { path: ['api', 'tokens'], type: 'json', secret: true },
  GATEHOUND_API_RATE_LIMIT_PER_MINUTE: { path: ['api', 'rateLimitPerMinute'], type: 'int' },
  GATEHOUND_API_IP_RATE_LIMIT_PER_MINUTE: { path: ['api', 'ipRateLimitPerMinute'], type: 'int' },
  GATEHOUND_API_BODY_LIMIT_BYTES: { path: ['api', 'bodyLimitBytes'], type: 'int' },
  GATEHOUND_API_CORS_ORIGINS: { path: ['api', 'corsOrigins'], type: 'list' },
  GATEHOUND_API_TLS_CERT_FILE: { path: ['api', 'tlsCertFile'], type: 'string' },
  GATEHOUND_API_TLS_KEY_FILE: { path: ['api', 'tlsKeyFile'], type: 'string' },
  GATEHOUND_API_TRUST_PROXY: { path: ['api', 'trustProxy'], type: 'list' },
  GATEHOUND_API_PUBLIC_URL: { path: ['api', 'publicUrl'], type: 'string' },
  GATEHOUND_API_DOCS: { path: ['api', 'docs'], type: 'bool' },
};

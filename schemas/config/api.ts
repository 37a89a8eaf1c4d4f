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
    port: port.default(8081),
    host: z.string().min(1).default('127.0.0.1'),
    /** Hashed bearer tokens; GATEHOUND_API_TOKENS_FILE reads the same JSON list from a file. */
    tokens: z.array(ApiToken).default([]),
    /** Requests per minute one token may make; counted after authentication. */
    rateLimitPerMinute: z.number().int().min(1).max(10_000_000).default(1200),
    /** Requests per minute one client address may make, counted before authentication (slows token guessing). */
    ipRateLimitPerMinute: z.number().int().min(1).max(10_000_000).default(600),
    bodyLimitBytes: z.number().int().min(256).max(10_485_760).default(16_384),
    /** Browser origins allowed by CORS; empty: no CORS headers at all, so browsers refuse cross-origin calls. */
    corsOrigins: z.array(httpUrl).default([]),
    tlsCertFile: z.string().min(1).nullable().default(null),
    tlsKeyFile: z.string().min(1).nullable().default(null),
    /** Proxy addresses or CIDRs whose X-Forwarded-For is believed; empty: the socket address is the client. */
    trustProxy: z.array(z.string().min(1)).default([]),
    /** The URL clients use, shown as the server in the OpenAPI document. */
    publicUrl: httpUrl.nullable().default(null),
    docs: z.boolean().default(true),
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
